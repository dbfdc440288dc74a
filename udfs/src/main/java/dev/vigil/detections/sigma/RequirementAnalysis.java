package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Derives from a compiled rule the literals it cannot match without ({@link Requirement}), reading the
 * predicate tree: and → the most selective part's requirement; or → the union of the parts'; not, keywords,
 * regex, numbers, CIDR, field references, exists and null → nothing known (always evaluated).
 *
 * <p>The derivation can assume what the event's {@value #DISPATCH_FIELD} is ({@link EventIdContext}): tests of
 * it then fold to true or false, so a rule for Sysmon 1 is not even a candidate for a Security 4624 event.
 */
final class RequirementAnalysis {

    /** The field the index dispatches on first: every Windows event has it, and most rules test it. */
    static final String DISPATCH_FIELD = "EventID";

    /** What is known of the event's {@value #DISPATCH_FIELD} while deriving requirements. */
    record EventIdContext(Kind kind, String value) {
        enum Kind {
            /** Nothing (e.g. a list value): no folding. */
            UNKNOWN,
            /** The event has no such field: every string test of it is false. */
            ABSENT,
            /** One scalar value whose lower-cased text is {@code value}. */
            EQUALS,
            /** One scalar value equal to no literal any rule compares it with. */
            OTHER
        }

        static final EventIdContext UNKNOWN_ID = new EventIdContext(Kind.UNKNOWN, null);
        static final EventIdContext ABSENT_ID = new EventIdContext(Kind.ABSENT, null);
        static final EventIdContext OTHER_ID = new EventIdContext(Kind.OTHER, null);

        static EventIdContext equalTo(String lowerCasedText) {
            return new EventIdContext(Kind.EQUALS, lowerCasedText);
        }
    }

    private RequirementAnalysis() {}

    static Requirement of(EventPredicate p, EventIdContext context) {
        return of(p, context, null, Requirement.ESTIMATED);
    }

    /**
     * Reading a field the group does not read otherwise, per event, against evaluating a rule in full, in
     * candidates per event: measured 2026-12-04 (AMD EPYC VM, the benchmark's fresh events) at 50-100 ns to
     * look up and scan a field not in the caches and 1.0-1.5 us per candidate, so a field is worth about 1/20 of
     * a candidate per event.
     */
    static final double FIELD_READ_COST = 0.05;

    /**
     * The fields a group's index scans, chosen for all its rules together: starting from each rule's most
     * selective requirement, a field is dropped when every rule needing it has another requirement on the fields
     * that remain, and the rules' extra chance of being candidates ({@link Requirement#cost}, summed) is below
     * {@link #FIELD_READ_COST}: a field scanned on every event for one rule's slightly rarer literal costs more
     * than that rule evaluated on a few more events. Pass the result to {@link #of(EventPredicate, EventIdContext,
     * Set)} and {@link #indexedPartLast(EventPredicate, EventIdContext, Set)}.
     */
    static Set<String> scannedFields(List<EventPredicate> rules, EventIdContext context) {
        return scannedFields(rules, context, Requirement.ESTIMATED);
    }

    /** {@link #scannedFields(List, EventIdContext)} with requirements compared by {@code cost}. */
    static Set<String> scannedFields(List<EventPredicate> rules, EventIdContext context, ToDoubleFunction<Requirement> cost) {
        List<Requirement> chosen = new ArrayList<>(rules.size());
        Set<String> fields = new LinkedHashSet<>();
        for (EventPredicate p : rules) {
            Requirement r = of(p, context, null, cost);
            chosen.add(r);
            fields.addAll(r.fields());
        }
        while (true) {
            String drop = null;
            double dropCost = FIELD_READ_COST;
            for (String field : fields) {
                Set<String> remaining = new LinkedHashSet<>(fields);
                remaining.remove(field);
                double extra = 0;
                for (int i = 0; i < rules.size() && extra < dropCost; i++) {
                    Requirement now = chosen.get(i);
                    if (now.always() || now.never() || now.onlyIn(remaining)) {
                        continue;
                    }
                    Requirement instead = of(rules.get(i), context, remaining, cost);
                    extra += instead.always() || !instead.onlyIn(remaining) ? Double.POSITIVE_INFINITY
                            : cost.applyAsDouble(instead) - cost.applyAsDouble(now);
                }
                if (extra < dropCost) {
                    drop = field;
                    dropCost = extra;
                }
            }
            if (drop == null) {
                return fields;
            }
            fields.remove(drop);
            for (int i = 0; i < rules.size(); i++) {
                Requirement now = chosen.get(i);
                if (!now.always() && !now.never() && !now.onlyIn(fields)) {
                    chosen.set(i, of(rules.get(i), context, fields, cost));
                }
            }
        }
    }

    /**
     * The requirement with, in each and, the most selective part among those whose literals are all in
     * {@code allowed} fields (any part when none is, or {@code allowed} is null).
     */
    static Requirement of(EventPredicate p, EventIdContext context, Set<String> allowed) {
        return of(p, context, allowed, Requirement.ESTIMATED);
    }

    /** {@link #of(EventPredicate, EventIdContext, Set)} with the parts of each and compared by {@code cost}. */
    static Requirement of(EventPredicate p, EventIdContext context, Set<String> allowed, ToDoubleFunction<Requirement> cost) {
        if (p == EventPredicate.NEVER) {
            return Requirement.NEVER;
        }
        if (p instanceof PredicateNodes.AllOf all) {
            List<Requirement> parts = new ArrayList<>(all.parts().length);
            for (EventPredicate part : all.parts()) {
                Requirement r = of(part, context, allowed, cost);
                if (r.never()) {
                    return r;
                }
                parts.add(r);
            }
            return Requirement.allOf(parts, allowed, cost);
        }
        if (p instanceof PredicateNodes.AnyOf any) {
            List<Requirement> parts = new ArrayList<>(any.parts().length);
            for (EventPredicate part : any.parts()) {
                parts.add(of(part, context, allowed, cost));
            }
            return Requirement.anyOf(parts);
        }
        if (p instanceof PredicateNodes.LogsourceCondition logsource) {
            return of(logsource.inner(), context, allowed, cost).weak();
        }
        if (p instanceof PredicateNodes.StringFieldTest test) {
            return ofFieldTest(test, context);
        }
        // not, keywords, regex, numeric, cidr, fieldref, exists, null, or a predicate from elsewhere
        return Requirement.ALWAYS;
    }

    /**
     * {@code p} with, in each and on the path to the requirement the index checks, the part that requirement came
     * from moved last. A rule is evaluated because that part's literal is in the event, so the part is most
     * likely true; the other parts decide whether the rule matches, and evaluated first they often end it before
     * the indexed part's values are read (values not in the caches: a candidate's rule was not evaluated on the
     * events before). The same answer: an and of side-effect-free tests does not depend on their order.
     */
    static EventPredicate indexedPartLast(EventPredicate p, EventIdContext context) {
        return indexedPartLast(p, context, null, Requirement.ESTIMATED);
    }

    /** {@link #indexedPartLast(EventPredicate, EventIdContext)} for the requirement {@code allowed} and {@code cost} give. */
    static EventPredicate indexedPartLast(EventPredicate p, EventIdContext context, Set<String> allowed,
                                          ToDoubleFunction<Requirement> cost) {
        if (p instanceof PredicateNodes.LogsourceCondition logsource) {
            return new PredicateNodes.LogsourceCondition(indexedPartLast(logsource.inner(), context, allowed, cost));
        }
        if (!(p instanceof PredicateNodes.AllOf all) || all.parts().length < 2) {
            return p;
        }
        EventPredicate[] parts = all.parts();
        List<Requirement> requirements = new ArrayList<>(parts.length);
        for (EventPredicate part : parts) {
            requirements.add(of(part, context, allowed, cost));
        }
        Requirement chosen = Requirement.allOf(requirements, allowed, cost);
        int indexed = requirements.indexOf(chosen);
        if (chosen.always() || chosen.never() || indexed < 0) {
            return p;
        }
        EventPredicate[] ordered = new EventPredicate[parts.length];
        for (int i = 0, j = 0; i < parts.length; i++) {
            if (i != indexed) {
                ordered[j++] = parts[i];
            }
        }
        ordered[parts.length - 1] = indexedPartLast(parts[indexed], context, allowed, cost);
        return new PredicateNodes.AllOf(ordered);
    }

    private static Requirement ofFieldTest(PredicateNodes.StringFieldTest test, EventIdContext context) {
        boolean dispatch = test.field().equals(DISPATCH_FIELD);
        if (dispatch && context.kind() == EventIdContext.Kind.ABSENT) {
            return Requirement.NEVER; // a string test on an absent field is false
        }
        List<Requirement> perGlob = new ArrayList<>(test.globs().length);
        for (Glob g : test.globs()) {
            if (dispatch && isFoldable(g) && context.kind() != EventIdContext.Kind.UNKNOWN) {
                boolean equal = context.kind() == EventIdContext.Kind.EQUALS && g.literal().equals(context.value());
                perGlob.add(equal ? Requirement.ALWAYS : Requirement.NEVER);
                continue;
            }
            perGlob.add(requirement(test.field(), g));
        }
        return Requirement.anyOf(perGlob);
    }

    /** What {@code g} needs of the field's lower-cased text: one of its literal forms, or a literal run of it. */
    static Requirement requirement(String field, Glob g) {
        Glob.Alternatives plainForms = g.shape() == Glob.Shape.GLOB ? g.alternatives(Requirement.MAX_ALTERNATIVES) : null;
        if (plainForms != null) {
            List<Requirement> any = new ArrayList<>();
            for (String literal : plainForms.literals()) {
                Requirement.Atom a = atom(field, Requirement.kindOf(plainForms.shape()), literal, g.caseSensitive());
                if (a == null) {
                    return Requirement.ALWAYS;
                }
                any.add(Requirement.of(a));
            }
            return Requirement.anyOf(any);
        }
        Requirement.Atom a = atom(field, g);
        return a == null ? Requirement.ALWAYS : Requirement.of(a);
    }

    /** A case-insensitive equality: decided exactly by the event's lower-cased {@value #DISPATCH_FIELD} text. */
    static boolean isFoldable(Glob g) {
        return !g.caseSensitive() && g.shape() == Glob.Shape.EQUALS;
    }

    /** The literal {@code g} needs in the field's lower-cased text, or null when it needs none. */
    static Requirement.Atom atom(String field, Glob g) {
        Requirement.Kind kind = Requirement.kindOf(g.shape());
        return kind == null
                ? atom(field, Requirement.Kind.CONTAINS, g.longestLiteralRun(), g.caseSensitive())
                : atom(field, kind, g.literal(), g.caseSensitive());
    }

    /** {@code literal} as the glob compares it (lower-cased unless {@code caseSensitive}), as an atom or null. */
    private static Requirement.Atom atom(String field, Requirement.Kind kind, String literal, boolean caseSensitive) {
        if (caseSensitive) {
            // The index looks at the lower-cased text. Lower-casing the whole text maps equal texts to equal
            // texts; for the anchored and substring kinds it only keeps ASCII runs intact (Locale.ROOT lower-cases
            // a Greek capital sigma by its context), so a non-ASCII case-sensitive literal gives no atom.
            if (kind != Requirement.Kind.EQUALS && !isAscii(literal)) {
                return null;
            }
            literal = literal.toLowerCase(Locale.ROOT);
        }
        if (literal.isEmpty() && kind != Requirement.Kind.EQUALS) {
            return null; // every present value contains ""
        }
        return new Requirement.Atom(field, kind, literal);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    /** Every lower-cased literal a rule compares {@value #DISPATCH_FIELD} with for equality (case-insensitively). */
    static void collectDispatchValues(EventPredicate p, Set<String> out) {
        PredicateNodes.forEachLeaf(p, leaf -> {
            if (leaf instanceof PredicateNodes.StringFieldTest test && test.field().equals(DISPATCH_FIELD)) {
                for (Glob g : test.globs()) {
                    if (isFoldable(g)) {
                        out.add(g.literal());
                    }
                }
            }
        });
    }
}
