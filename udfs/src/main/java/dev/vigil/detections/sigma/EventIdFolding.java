package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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
            return foldJunction(p, all.parts(), context, EventPredicate.NEVER, EventPredicate.ALWAYS, EventPredicate::and);
        }
        if (p instanceof PredicateNodes.AnyOf any) {
            return foldJunction(p, any.parts(), context, EventPredicate.ALWAYS, EventPredicate.NEVER, EventPredicate::or);
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

    /**
     * An and (or an or) with its parts folded: {@code absorbing} as soon as one part folds to it (false for and,
     * true for or), parts folding to {@code neutral} dropped; {@code p} itself when no part changed.
     */
    private static EventPredicate foldJunction(EventPredicate p, EventPredicate[] parts,
                                               RequirementAnalysis.EventIdContext context, EventPredicate absorbing,
                                               EventPredicate neutral, Function<List<EventPredicate>, EventPredicate> join) {
        List<EventPredicate> kept = new ArrayList<>();
        boolean changed = false;
        for (EventPredicate part : parts) {
            EventPredicate f = foldKnown(part, context);
            changed |= f != part;
            if (f == absorbing) {
                return absorbing;
            }
            if (f != neutral) {
                kept.add(f);
            }
        }
        return changed ? join.apply(kept) : p;
    }
}
