package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shapes of a compiled rule that {@link RequirementAnalysis} can see through: and, or, not, the
 * logsource part of a rule, and a string test on one named field. Evaluation is exactly what the
 * equivalent lambdas did; the classes only make the structure readable.
 */
final class PredicateNodes {

    private PredicateNodes() {}

    /**
     * Calls {@code leaf} with every node of {@code p} below its and / or / not / logsource structure: field tests,
     * remembered tests and any other predicate.
     */
    static void forEachLeaf(EventPredicate p, java.util.function.Consumer<EventPredicate> leaf) {
        if (p instanceof AllOf all) {
            for (EventPredicate part : all.parts()) {
                forEachLeaf(part, leaf);
            }
        } else if (p instanceof AnyOf any) {
            for (EventPredicate part : any.parts()) {
                forEachLeaf(part, leaf);
            }
        } else if (p instanceof Not not) {
            forEachLeaf(not.inner(), leaf);
        } else if (p instanceof LogsourceCondition logsource) {
            forEachLeaf(logsource.inner(), leaf);
        } else {
            leaf.accept(p);
        }
    }

    /** Every part holds (short-circuit, in order). */
    record AllOf(EventPredicate[] parts) implements EventPredicate {
        @Override
        public boolean test(EventFields event) {
            for (EventPredicate p : parts) {
                if (!p.test(event)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Some part holds (short-circuit, in order). */
    record AnyOf(EventPredicate[] parts) implements EventPredicate {
        @Override
        public boolean test(EventFields event) {
            for (EventPredicate p : parts) {
                if (p.test(event)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(EventPredicate inner) implements EventPredicate {
        @Override
        public boolean test(EventFields event) {
            return !inner.test(event);
        }
    }

    /**
     * The test a rule's logsource adds (EventID, Channel, ...). Marked so the index prefers the detection's
     * own literals: a Channel value is shared by most events of a source and selects almost nothing.
     */
    record LogsourceCondition(EventPredicate inner) implements EventPredicate {
        @Override
        public boolean test(EventFields event) {
            return inner.test(event);
        }
    }

    /**
     * A test several rules of a set share ({@link SharedTests}): on a {@link PreparedEvent} it is computed once
     * per event and its answer remembered for the other rules.
     */
    record Remembered(int slot, EventPredicate test) implements EventPredicate {
        @Override
        public boolean test(EventFields event) {
            return event instanceof PreparedEvent prepared ? prepared.remembered(slot, test) : test.test(event);
        }
    }

    /**
     * A field compared with string values ({@code Image|endswith: ...}, {@code EventID: 4688}): true when the
     * field's value, or any element of a list value, matches any of the globs. Case-insensitive globs compare
     * against the value lower-cased once per event when the event is a {@link PreparedEvent}; many plain
     * case-insensitive values (a list of 100 paths) are matched in one {@link LiteralAutomaton} pass.
     */
    static final class StringFieldTest implements EventPredicate {

        /**
         * From this many plain case-insensitive anchored values (equals, startswith, endswith) on, they are
         * matched by one automaton walk, which reads only the few characters that decide.
         */
        private static final int ANCHORED_AUTOMATON_FROM = 4;
        /**
         * From this many {@code contains} values on, one automaton pass beats calling the vectorised
         * {@link String#contains} for each (measured: 4 values through the compact automaton were slower).
         */
        private static final int CONTAINS_AUTOMATON_FROM = 16;

        private final String field;
        private final Glob[] globs;
        /** The plain case-insensitive globs, as one automaton; null when there are few. */
        private final LiteralAutomaton plain;
        /** The globs {@link #plain} does not cover (all of them when it is null). */
        private final Glob[] others;

        StringFieldTest(String field, Glob[] globs) {
            // Interned: event maps built by Jackson (and Java literals) hold interned names, so a map lookup
            // matches by reference and need not read the event's key; 1,000 rules also share one copy.
            this.field = field.intern();
            globs = globs.clone();
            for (int i = 0; i < globs.length; i++) {
                globs[i] = globs[i].compact();
            }
            this.globs = globs;
            List<LiteralAutomaton.Entry> anchored = new ArrayList<>();
            List<Glob> anchoredGlobs = new ArrayList<>();
            List<LiteralAutomaton.Entry> contains = new ArrayList<>();
            List<Glob> containsGlobs = new ArrayList<>();
            List<Glob> rest = new ArrayList<>();
            for (Glob g : globs) {
                Glob.Alternatives plainForms = g.caseSensitive() ? null : g.alternatives(Requirement.MAX_ALTERNATIVES);
                Requirement.Kind kind = plainForms == null ? null : Requirement.kindOf(plainForms.shape());
                if (kind == null || (kind != Requirement.Kind.EQUALS && plainForms.literals().contains(""))) {
                    rest.add(g);
                    continue;
                }
                boolean isContains = kind == Requirement.Kind.CONTAINS;
                (isContains ? containsGlobs : anchoredGlobs).add(g);
                for (String literal : plainForms.literals()) {
                    (isContains ? contains : anchored).add(new LiteralAutomaton.Entry(kind, literal, 0));
                }
            }
            List<LiteralAutomaton.Entry> viaAutomaton = new ArrayList<>();
            if (anchored.size() >= ANCHORED_AUTOMATON_FROM) {
                viaAutomaton.addAll(anchored);
            } else {
                rest.addAll(anchoredGlobs);
            }
            if (contains.size() >= CONTAINS_AUTOMATON_FROM) {
                viaAutomaton.addAll(contains);
            } else {
                rest.addAll(containsGlobs);
            }
            plain = viaAutomaton.isEmpty() ? null : LiteralAutomaton.forTest(viaAutomaton);
            others = plain == null ? globs : rest.toArray(Glob[]::new);
        }

        String field() {
            return field;
        }

        Glob[] globs() {
            return globs;
        }

        /** Equal keys, equal tests: the field and every glob. */
        String key() {
            StringBuilder b = new StringBuilder(field);
            for (Glob g : globs) {
                b.append('\n').append(g.key());
            }
            return b.toString();
        }

        @Override
        public boolean test(EventFields event) {
            if (event instanceof PreparedEvent prepared) {
                int slot = prepared.slot(field);
                Object value = prepared.valueAt(slot);
                if (value == null) {
                    return false;
                }
                return value instanceof List<?> list ? anyElement(list) : matches(prepared.textAt(slot), prepared, slot);
            }
            Object value = event.get(field);
            if (value == null) {
                return false;
            }
            return value instanceof List<?> list ? anyElement(list) : matches(ValueTest.text(value), null, 0);
        }

        private boolean anyElement(List<?> list) {
            for (Object element : list) {
                if (element != null && matches(ValueTest.text(element), null, 0)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * {@code prepared}/{@code slot}: where to get the cached lower-case text from, or null to compute it. The
         * text is lower-cased only when a test cannot be decided on it as it is ({@link AsciiFold}): for
         * {@code contains} and wildcards, and for the rare value with a non-ASCII character where it matters.
         */
        private boolean matches(String text, PreparedEvent prepared, int slot) {
            String lower = null;
            if (plain != null) {
                int folded = plain.matchesAnyFolded(text);
                if (folded == AsciiFold.YES) {
                    return true;
                }
                if (folded == AsciiFold.UNDECIDED) {
                    lower = prepared != null ? prepared.lowerTextAt(slot) : text.toLowerCase(Locale.ROOT);
                    if (plain.matchesAny(lower)) {
                        return true;
                    }
                }
            }
            for (Glob g : others) {
                if (g.caseSensitive()) {
                    if (g.matchesPrepared(text)) {
                        return true;
                    }
                    continue;
                }
                int folded = g.matchesFolded(text);
                if (folded == AsciiFold.YES) {
                    return true;
                }
                if (folded == AsciiFold.UNDECIDED) {
                    if (lower == null) {
                        lower = prepared != null ? prepared.lowerTextAt(slot) : text.toLowerCase(Locale.ROOT);
                    }
                    if (g.matchesPrepared(lower)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
