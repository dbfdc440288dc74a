package dev.vigil.detections.sigma;

/** A compiled piece of a rule: a search, a condition, a logsource test. */
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
        EventPredicate[] p = parts.toArray(EventPredicate[]::new);
        return e -> {
            for (EventPredicate x : p) {
                if (!x.test(e)) {
                    return false;
                }
            }
            return true;
        };
    }

    static EventPredicate or(java.util.List<EventPredicate> parts) {
        if (parts.isEmpty()) {
            return NEVER;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        EventPredicate[] p = parts.toArray(EventPredicate[]::new);
        return e -> {
            for (EventPredicate x : p) {
                if (x.test(e)) {
                    return true;
                }
            }
            return false;
        };
    }
}
