package dev.vigil.detections.sigma;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * The compiled Sigma rules one engine runs, evaluated together: {@link #forEachMatch} reports the
 * index of every rule that matches an event. Rules keep their load order, so indexes are stable for
 * one rule set.
 */
public final class SigmaRuleSet {

    private final SigmaRule[] rules;

    public SigmaRuleSet(List<SigmaRule> rules) {
        this.rules = rules.toArray(SigmaRule[]::new);
    }

    public int size() {
        return rules.length;
    }

    public SigmaRule rule(int index) {
        return rules[index];
    }

    public List<SigmaRule> rules() {
        return List.of(rules);
    }

    /** Calls {@code matched} with the index of every rule that matches {@code event}, in index order. */
    public void forEachMatch(EventFields event, IntConsumer matched) {
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].matches(event)) {
                matched.accept(i);
            }
        }
    }
}
