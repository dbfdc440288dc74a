package dev.vigil.local.detect;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.sigma.SigmaRuleLoader.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule per id, as the engine requires. A backtest often meets the same rule twice: the bundled
 * rules are copies of SigmaHQ rules (same id), and an analyst tries an edited copy of a rule that
 * already loads. Rather than refusing to run, the rule loaded last wins (so {@code --rules} override
 * the bundled rules, and a later {@code --rules} an earlier one) and each one it replaces is reported
 * as rejected. A Sigma rule with a built-in Java detection's id is rejected.
 */
final class RuleIds {

    static final String CONSTRUCT = "duplicate id";

    /** The rules to run (load order kept) and those left out. */
    record Resolved(List<SigmaRule> rules, List<Rejection> rejected) {}

    private RuleIds() {}

    static Resolved resolve(List<Detection> java, List<SigmaRule> sigma) {
        Set<String> javaIds = new HashSet<>();
        java.forEach(d -> javaIds.add(d.metadata().id()));
        Map<String, SigmaRule> last = new HashMap<>();
        for (SigmaRule r : sigma) {
            last.put(r.id(), r);
        }
        List<SigmaRule> kept = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (SigmaRule r : sigma) {
            SigmaRule winner = last.get(r.id());
            if (javaIds.contains(r.id())) {
                rejected.add(new Rejection(r.file(), CONSTRUCT, "id " + r.id() + " is a built-in Java detection's"));
            } else if (winner != r) {
                rejected.add(new Rejection(r.file(), CONSTRUCT, "id " + r.id() + " loaded again from " + winner.file()
                        + ", which replaces this rule"));
            } else {
                kept.add(r);
            }
        }
        return new Resolved(List.copyOf(kept), List.copyOf(rejected));
    }
}
