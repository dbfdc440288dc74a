package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * The compiled Sigma rules one engine runs, evaluated together: {@link #forEachMatch} reports the index of
 * every rule that matches an event. Rules keep their load order, so indexes are stable for one rule set.
 *
 * <p>Indexed, so the cost per event grows with the event's size and the number of rules that could match it,
 * not with the number of rules:
 * <ol>
 *   <li>the event's {@code EventID} selects a {@link CandidateGroup}: only rules whose logsource and
 *       detection can accept that EventID are in it (tests of EventID were folded to true / false);</li>
 *   <li>within the group each rule has a necessary condition, a set of literals of which the event must
 *       contain at least one ({@link RequirementAnalysis}); one {@link LiteralAutomaton} per field finds all
 *       of a group's literals in one pass over the field's text and marks the rules needing them;</li>
 *   <li>the marked rules, plus the group's rules with no literal requirement (regex, keywords, ...), are
 *       evaluated in full, in index order, on a {@link PreparedEvent} that looks each field up and lower-cases
 *       it once per event.</li>
 * </ol>
 * The result is exactly that of evaluating every rule: the index only skips rules that cannot match.
 *
 * <p>Not thread-safe and not re-entrant: it reuses one event view and one candidate bit set, so use one rule
 * set per thread (one per operator instance) and do not call {@link #forEachMatch} from its own callback.
 */
public final class SigmaRuleSet {

    private final SigmaRule[] rules;
    private final boolean indexed;

    private final Map<String, CandidateGroup> groupByEventId;
    private final CandidateGroup otherEventId;
    private final CandidateGroup absentEventId;
    private final CandidateGroup unknownEventId;

    private final PreparedEvent prepared;
    private final long[] candidates;
    /** Rules evaluated in full so far: the index's work, for {@link #rulesEvaluated}. */
    private long evaluated;

    public SigmaRuleSet(List<SigmaRule> rules) {
        this(rules, true);
    }

    /**
     * Every rule evaluated on every event, as before the index: the reference the index is tested and
     * benchmarked against.
     */
    public static SigmaRuleSet unindexed(List<SigmaRule> rules) {
        return new SigmaRuleSet(rules, false);
    }

    private SigmaRuleSet(List<SigmaRule> rules, boolean indexed) {
        this.rules = rules.toArray(SigmaRule[]::new);
        this.indexed = indexed;
        this.candidates = new long[(this.rules.length + 63) >>> 6];
        if (!indexed) {
            groupByEventId = Map.of();
            otherEventId = absentEventId = unknownEventId = null;
            prepared = null;
            return;
        }
        // what the index evaluates: the rules' predicates with the tests they share answered once per event
        SharedTests shared = SharedTests.of(this.rules);
        TreeSet<String> eventIds = new TreeSet<>();
        for (SigmaRule r : this.rules) {
            RequirementAnalysis.collectDispatchValues(r.predicate(), eventIds);
        }
        groupByEventId = new HashMap<>();
        for (String id : eventIds) {
            groupByEventId.put(id, new CandidateGroup(this.rules, shared, RequirementAnalysis.EventIdContext.equalTo(id)));
        }
        otherEventId = new CandidateGroup(this.rules, shared, RequirementAnalysis.EventIdContext.OTHER_ID);
        absentEventId = new CandidateGroup(this.rules, shared, RequirementAnalysis.EventIdContext.ABSENT_ID);
        unknownEventId = new CandidateGroup(this.rules, shared, RequirementAnalysis.EventIdContext.UNKNOWN_ID);
        prepared = new PreparedEvent().rememberingUpTo(shared.count()); // the groups' rewrites made the slots
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
        if (!indexed) {
            evaluated += rules.length;
            for (int i = 0; i < rules.length; i++) {
                if (rules[i].matches(event)) {
                    matched.accept(i);
                }
            }
            return;
        }
        // Selecting candidates reads the event directly and writes only the primitive bit set: most events have
        // no candidate, and for them nothing is stored in this long-lived object (with G1 every reference store
        // into an old object pays a write barrier with a memory fence).
        long[] marked = candidates;
        CandidateGroup group = groupFor(event);
        group.markCandidates(event, marked);
        for (int w = 0; w < marked.length; w++) {
            if (marked[w] != 0) {
                evaluateCandidates(group, event, marked, w, matched);
                return;
            }
        }
    }

    /**
     * Evaluates the marked rules, from word {@code w} of {@code marked} on. Its own method, and the rare case (a
     * few percent of events have a candidate): kept out of {@link #forEachMatch}, the compiler inlines the
     * candidate selection, which every event runs, into it instead (measured with JMH at 1,000 rules).
     */
    private void evaluateCandidates(CandidateGroup group, EventFields event, long[] marked, int w, IntConsumer matched) {
        PreparedEvent prepared = this.prepared.reset(event);
        for (; w < marked.length; w++) {
            long bits = marked[w];
            evaluated += Long.bitCount(bits);
            while (bits != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (group.predicates[i].test(prepared)) {
                    matched.accept(i);
                }
            }
        }
    }

    /**
     * How many times a rule was evaluated in full on this rule set, the cost the index does not avoid: divided by
     * the events, how far it narrows the rules (every rule on every event unindexed; about 0.1 per event for the
     * benchmark's 1,000 rules on the real attack recordings). Read by the job's metrics from another thread: a
     * plain field, so a reading may lag by a few events.
     */
    public long rulesEvaluated() {
        return evaluated;
    }

    private CandidateGroup groupFor(EventFields event) {
        Object id = event.get(RequirementAnalysis.DISPATCH_FIELD);
        if (id == null) {
            return absentEventId;
        }
        if (id instanceof List) {
            return unknownEventId;
        }
        CandidateGroup g = groupByEventId.get(ValueTest.text(id).toLowerCase(Locale.ROOT));
        return g != null ? g : otherEventId;
    }

    /** What the index holds, for logs and benchmarks. */
    @Override
    public String toString() {
        if (!indexed) {
            return "SigmaRuleSet[" + rules.length + " rules, unindexed]";
        }
        int literals = 0;
        int maxAlways = 0;
        for (CandidateGroup g : groupByEventId.values()) {
            literals += g.literals();
            maxAlways = Math.max(maxAlways, g.alwaysCount());
        }
        return "SigmaRuleSet[" + rules.length + " rules, " + groupByEventId.size() + " EventID groups, "
                + literals + " literals in their automata, at most " + maxAlways
                + " rules without a literal requirement per group; other EventIDs: " + otherEventId.describe() + "]";
    }

    /**
     * The rules that can match events with one EventID (or with an EventID no rule names, none, or several):
     * those always evaluated, and per field an automaton over the literals the others need.
     */
    private static final class CandidateGroup {

        private final long[] always;
        /**
         * The rules' predicates with the group's EventID decided and in each and the indexed part last
         * ({@link RequirementAnalysis#indexedPartLast}); null for rules not in the group.
         */
        private final EventPredicate[] predicates;
        private final String[] fields;
        private final LiteralAutomaton[] automata;
        private final int rules;

        CandidateGroup(SigmaRule[] all, SharedTests shared, RequirementAnalysis.EventIdContext context) {
            always = new long[(all.length + 63) >>> 6];
            predicates = new EventPredicate[all.length];
            Map<String, List<LiteralAutomaton.Entry>> byField = new LinkedHashMap<>();
            int in = 0;
            List<EventPredicate> inGroup = new ArrayList<>();
            for (SigmaRule rule : all) {
                if (!RequirementAnalysis.of(rule.predicate(), context).never()) {
                    inGroup.add(rule.predicate());
                }
            }
            Set<String> scanned = RequirementAnalysis.scannedFields(inGroup, context);
            for (int i = 0; i < all.length; i++) {
                Requirement r = RequirementAnalysis.of(all[i].predicate(), context, scanned);
                if (r.never()) {
                    continue;
                }
                in++;
                EventPredicate ordered = RequirementAnalysis.indexedPartLast(all[i].predicate(), context, scanned);
                predicates[i] = EventIdFolding.fold(shared.rewrite(ordered), context);
                if (r.always()) {
                    always[i >>> 6] |= 1L << i;
                    continue;
                }
                for (Requirement.Atom a : r.atoms()) {
                    byField.computeIfAbsent(a.field(), f -> new ArrayList<>())
                            .add(new LiteralAutomaton.Entry(a.kind(), a.literal(), i));
                }
            }
            rules = in;
            fields = byField.keySet().toArray(String[]::new);
            automata = new LiteralAutomaton[fields.length];
            for (int f = 0; f < fields.length; f++) {
                automata[f] = LiteralAutomaton.forIndex(byField.get(fields[f]));
            }
        }

        /** Sets in {@code marked} exactly the group's rules worth evaluating on {@code e}. */
        void markCandidates(EventFields e, long[] marked) {
            System.arraycopy(always, 0, marked, 0, always.length);
            for (int f = 0; f < fields.length; f++) {
                Object value = e.get(fields[f]);
                if (value == null) {
                    continue;
                }
                if (value instanceof String s) {
                    automata[f].scan(s, marked);
                } else {
                    scanOther(automata[f], value, marked);
                }
            }
        }

        /** A value that is not a string (a number, a list): rare, so out of the hot loop. */
        private static void scanOther(LiteralAutomaton automaton, Object value, long[] marked) {
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (element != null) {
                        automaton.scan(ValueTest.text(element), marked);
                    }
                }
            } else {
                automaton.scan(ValueTest.text(value), marked);
            }
        }

        int literals() {
            int n = 0;
            for (LiteralAutomaton a : automata) {
                n += a.literals();
            }
            return n;
        }

        int alwaysCount() {
            int n = 0;
            for (long w : always) {
                n += Long.bitCount(w);
            }
            return n;
        }

        String describe() {
            return rules + " rules (" + alwaysCount() + " always evaluated), " + fields.length + " fields, "
                    + literals() + " literals";
        }
    }
}
