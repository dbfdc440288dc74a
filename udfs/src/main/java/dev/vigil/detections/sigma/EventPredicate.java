package dev.vigil.detections.sigma;

/**
 * A compiled piece of a rule: a search, a condition, a logsource test. The compiler builds conjunctions,
 * disjunctions, negations and string field tests as {@link PredicateNodes} rather than opaque lambdas, so
 * {@link SigmaRuleSet} can read which literals a rule needs; any other implementation is simply treated as
 * needing nothing (always evaluated).
 */
@FunctionalInterface
public interface EventPredicate {

    boolean test(EventFields event);

    EventPredicate ALWAYS = e -> true;
    EventPredicate NEVER = e -> false;

    static EventPredicate and(java.util.List<EventPredicate> parts) {
        if (parts.isEmpty()) {
            return ALWAYS;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new PredicateNodes.AllOf(parts.toArray(EventPredicate[]::new));
    }

    static EventPredicate or(java.util.List<EventPredicate> parts) {
        if (parts.isEmpty()) {
            return NEVER;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new PredicateNodes.AnyOf(parts.toArray(EventPredicate[]::new));
    }
}
