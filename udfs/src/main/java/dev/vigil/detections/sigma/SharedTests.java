package dev.vigil.detections.sigma;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The string tests that several rules of a set make alike, answered once per event: every Sysmon rule tests
 * the same {@code Channel}, most rules of a category the same {@code EventID}, and rules share values such as
 * {@code Image|endswith: '\powershell.exe'}. The rules' predicates are rewritten so that each such test is one
 * {@link PredicateNodes.Remembered} instance, whose answer the {@link PreparedEvent} keeps for the event; when
 * three rules are candidates for an event, the logsource is tested once, not three times.
 *
 * <p>Only {@link PredicateNodes.StringFieldTest}s are shared: their answer depends on the event alone. The
 * rewritten predicates answer exactly as the rules' own.
 */
final class SharedTests {

    private final Map<String, Integer> rulesByKey = new HashMap<>();
    private final Map<String, PredicateNodes.Remembered> shared = new HashMap<>();

    private SharedTests() {}

    /** The rules' predicates, with the tests two or more of them make alike shared; then {@link #count()}. */
    static SharedTests of(SigmaRule[] rules) {
        SharedTests s = new SharedTests();
        for (SigmaRule r : rules) {
            Set<String> keys = new HashSet<>();
            s.collect(r.predicate(), keys);
            for (String k : keys) {
                s.rulesByKey.merge(k, 1, Integer::sum);
            }
        }
        return s;
    }

    /** How many tests are shared: the slots a {@link PreparedEvent} needs. */
    int count() {
        return shared.size();
    }

    private void collect(EventPredicate p, Set<String> keys) {
        PredicateNodes.forEachLeaf(p, leaf -> {
            if (leaf instanceof PredicateNodes.StringFieldTest test) {
                keys.add(test.key());
            }
        });
    }

    /** {@code p} with its shared tests replaced by their one remembered instance. */
    EventPredicate rewrite(EventPredicate p) {
        if (p instanceof PredicateNodes.AllOf all) {
            return new PredicateNodes.AllOf(rewrite(all.parts()));
        }
        if (p instanceof PredicateNodes.AnyOf any) {
            return new PredicateNodes.AnyOf(rewrite(any.parts()));
        }
        if (p instanceof PredicateNodes.Not not) {
            return new PredicateNodes.Not(rewrite(not.inner()));
        }
        if (p instanceof PredicateNodes.LogsourceCondition logsource) {
            return new PredicateNodes.LogsourceCondition(rewrite(logsource.inner()));
        }
        if (p instanceof PredicateNodes.StringFieldTest test) {
            String key = test.key();
            if (rulesByKey.getOrDefault(key, 0) < 2) {
                return test;
            }
            return shared.computeIfAbsent(key, k -> new PredicateNodes.Remembered(shared.size(), test));
        }
        return p;
    }

    private EventPredicate[] rewrite(EventPredicate[] parts) {
        EventPredicate[] out = new EventPredicate[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = rewrite(parts[i]);
        }
        return out;
    }
}
