package dev.vigil.detections.sigma;

/**
 * A predicate as it evaluates on events of one {@link RequirementAnalysis.EventIdContext}: tests of the
 * {@value RequirementAnalysis#DISPATCH_FIELD} decided, and the branches they decide pruned. A candidate of the
 * Sysmon 1 group then no longer walks a {@code process_creation} rule's Security 4688 branch, nor tests its
 * EventID again. Answers exactly as the predicate does on such events.
 */
final class EventIdFolding {

    private EventIdFolding() {}

    static EventPredicate fold(EventPredicate p, RequirementAnalysis.EventIdContext context) {
        if (context.kind() == RequirementAnalysis.EventIdContext.Kind.UNKNOWN) {
            return p;
        }
        return foldKnown(p, context);
    }

    private static EventPredicate foldKnown(EventPredicate p, RequirementAnalysis.EventIdContext context) {
        if (p instanceof PredicateNodes.Remembered r) {
            EventPredicate inner = foldKnown(r.test(), context);
            return inner == r.test() ? r : inner;
        }
        if (p instanceof PredicateNodes.AllOf all) {
            java.util.List<EventPredicate> parts = new java.util.ArrayList<>();
            boolean changed = false;
            for (EventPredicate part : all.parts()) {
                EventPredicate f = foldKnown(part, context);
                changed |= f != part;
                if (f == EventPredicate.NEVER) {
                    return EventPredicate.NEVER;
                }
                if (f != EventPredicate.ALWAYS) {
                    parts.add(f);
                }
            }
            return changed ? EventPredicate.and(parts) : p;
        }
        if (p instanceof PredicateNodes.AnyOf any) {
            java.util.List<EventPredicate> parts = new java.util.ArrayList<>();
            boolean changed = false;
            for (EventPredicate part : any.parts()) {
                EventPredicate f = foldKnown(part, context);
                changed |= f != part;
                if (f == EventPredicate.ALWAYS) {
                    return EventPredicate.ALWAYS;
                }
                if (f != EventPredicate.NEVER) {
                    parts.add(f);
                }
            }
            return changed ? EventPredicate.or(parts) : p;
        }
        if (p instanceof PredicateNodes.Not not) {
            EventPredicate f = foldKnown(not.inner(), context);
            return f == EventPredicate.ALWAYS ? EventPredicate.NEVER : f == EventPredicate.NEVER ? EventPredicate.ALWAYS
                    : f == not.inner() ? p : new PredicateNodes.Not(f);
        }
        if (p instanceof PredicateNodes.LogsourceCondition logsource) {
            EventPredicate f = foldKnown(logsource.inner(), context);
            return f == EventPredicate.ALWAYS || f == EventPredicate.NEVER ? f
                    : f == logsource.inner() ? p : new PredicateNodes.LogsourceCondition(f);
        }
        if (p instanceof PredicateNodes.StringFieldTest test && test.field().equals(RequirementAnalysis.DISPATCH_FIELD)) {
            boolean any = false;
            for (Glob g : test.globs()) {
                if (!RequirementAnalysis.isFoldable(g)) {
                    return p;
                }
                any |= context.kind() == RequirementAnalysis.EventIdContext.Kind.EQUALS && g.literal().equals(context.value());
            }
            return any ? EventPredicate.ALWAYS : EventPredicate.NEVER;
        }
        return p;
    }
}
