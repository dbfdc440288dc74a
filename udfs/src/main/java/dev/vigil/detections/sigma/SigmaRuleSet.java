package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

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
 * The literals are chosen by estimated rarity and, once a group has seen enough events, by how often each
 * requirement made its rule a candidate ({@link CandidateGroup#review}).
 * The result is exactly that of evaluating every rule: the index only skips rules that cannot match.
 *
 * <p>Not thread-safe and not re-entrant: it reuses one event view and one candidate bit set, so use one rule
 * set per thread (one per operator instance) and do not call {@link #forEachMatch} from its own callback.
 */
public final class SigmaRuleSet {

    /** Events of a group between two looks at how often its rules were candidates ({@link CandidateGroup#review}). */
    static final int REVIEW_EVERY = 1 << 13;
    /** The index chooses again when a requirement made its rule a candidate that did not match this many times in a review ... */
    static final int SURPRISE_MIN_CANDIDATES = 32;
    /** ... and made it a candidate this many times as often as estimated. */
    static final double SURPRISE_FACTOR = 4;
    /** Re-plans of one group at most: each rebuilds its automata on the event path. */
    static final int MAX_PLANS = 8;

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
                break;
            }
        }
        if (++group.events == REVIEW_EVERY) {
            group.review();
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
                boolean match = group.predicates[i].test(prepared);
                group.counted(i, match);
                if (match) {
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

    /**
     * How many times the index chose requirements again from the candidate rates it observed, over all groups: each
     * re-plan paused evaluation for milliseconds. Read by the job's metrics from another thread, like
     * {@link #rulesEvaluated}.
     */
    public int replans() {
        int n = 0;
        for (CandidateGroup g : groupByEventId.values()) {
            n += g.replans();
        }
        return indexed ? n + otherEventId.replans() + absentEventId.replans() + unknownEventId.replans() : 0;
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

        private final SigmaRule[] all;
        private final SharedTests shared;
        private final RequirementAnalysis.EventIdContext context;
        /** The indexes of the rules that can match an event of the group. */
        private final int[] members;

        private final long[] always;
        /**
         * The rules' predicates with the group's EventID decided and in each and the indexed part last
         * ({@link RequirementAnalysis#indexedPartLast}); null for rules not in the group.
         */
        private final EventPredicate[] predicates;
        /** The requirement the index checks for each member, and its entry in {@link #observed} (null: none). */
        private final Requirement[] chosen;
        private final long[][] observedSlot;
        private String[] fields;
        private LiteralAutomaton[] automata;
        /** The automata {@link #plan} last built, by their entries. */
        private Map<List<LiteralAutomaton.Entry>, LiteralAutomaton> built = Map.of();

        /** Per rule, the times it was a candidate since the last review, and the times it matched. */
        private final int[] candidateCount;
        private final int[] matchCount;
        /** Events of the group since the last review. */
        int events;
        /**
         * Per requirement the index has checked: the times it made its rule a candidate and the group's events
         * meanwhile, summed over the reviews, so that a rate seen once in a small sample settles.
         */
        private final Map<List<Requirement.Atom>, long[]> observed = new HashMap<>();
        private int plans;

        CandidateGroup(SigmaRule[] all, SharedTests shared, RequirementAnalysis.EventIdContext context) {
            this.all = all;
            this.shared = shared;
            this.context = context;
            members = IntStream.range(0, all.length)
                    .filter(i -> !RequirementAnalysis.of(all[i].predicate(), context).never()).toArray();
            always = new long[(all.length + 63) >>> 6];
            predicates = new EventPredicate[all.length];
            chosen = new Requirement[all.length];
            observedSlot = new long[all.length][];
            candidateCount = new int[all.length];
            matchCount = new int[all.length];
            plan();
        }

        /**
         * Chooses each member's requirement and the fields to scan ({@link RequirementAnalysis#scannedFields}),
         * comparing requirements by their observed candidate rates where known and by their estimates otherwise,
         * and builds the automata.
         */
        private void plan() {
            ToDoubleFunction<Requirement> cost = this::cost;
            List<EventPredicate> memberPredicates = Arrays.stream(members).mapToObj(i -> all[i].predicate()).toList();
            Set<String> scanned = RequirementAnalysis.scannedFields(memberPredicates, context, cost);
            Arrays.fill(always, 0);
            Map<String, List<LiteralAutomaton.Entry>> byField = new LinkedHashMap<>();
            for (int i : members) {
                Requirement r = RequirementAnalysis.of(all[i].predicate(), context, scanned, cost);
                chosen[i] = r;
                observedSlot[i] = r.always() || r.weakOnly() ? null : observed.computeIfAbsent(r.atoms(), k -> new long[2]);
                EventPredicate ordered = RequirementAnalysis.indexedPartLast(all[i].predicate(), context, scanned, cost);
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
            String[] f = byField.keySet().toArray(String[]::new);
            LiteralAutomaton[] a = new LiteralAutomaton[f.length];
            Map<List<LiteralAutomaton.Entry>, LiteralAutomaton> now = new HashMap<>();
            for (int k = 0; k < f.length; k++) {
                List<LiteralAutomaton.Entry> entries = byField.get(f[k]);
                // a re-plan runs on the event path: a field whose literals did not change keeps its automaton
                LiteralAutomaton before = built.get(entries);
                a[k] = before != null ? before : LiteralAutomaton.forIndex(entries);
                now.put(entries, a[k]);
            }
            built = now;
            fields = f;
            automata = a;
        }

        /** A requirement's chance of making its rule a candidate: as observed, else as estimated from its literals. */
        private double cost(Requirement r) {
            return r.weakOnly() ? r.cost() : rate(observed.get(r.atoms()), r);
        }

        /** The candidate rate {@code seen} (a slot of {@link #observed}, or null) holds, else {@code r}'s estimate. */
        private static double rate(long[] seen, Requirement r) {
            return seen != null && seen[1] > 0 ? (double) seen[0] / seen[1] : r.cost();
        }

        /** Rule {@code i} was evaluated as a candidate, and {@code matched} or not. */
        void counted(int i, boolean matched) {
            candidateCount[i]++;
            if (matched) {
                matchCount[i]++;
            }
        }

        /**
         * Every {@link #REVIEW_EVERY} events: records how often each member's requirement made it a candidate and,
         * when one did far more often than estimated (a long literal that is common in this stream, such as
         * {@code DWORD (0x00000000)} in registry events) and not only on events its rule matched, chooses the
         * requirements again with what was seen. The answers do not change: any requirement the analysis derives
         * is necessary for its rule.
         */
        void review() {
            boolean surprised = false;
            for (int i : members) {
                long[] seen = observedSlot[i];
                if (seen == null) {
                    continue;
                }
                double expected = rate(seen, chosen[i]);
                // An estimate far too low; and enough candidates that did not match for another requirement to
                // spare some (a match makes its rule a candidate whatever the requirement).
                int wasted = candidateCount[i] - matchCount[i];
                if (wasted >= SURPRISE_MIN_CANDIDATES && (double) candidateCount[i] / events > SURPRISE_FACTOR * expected) {
                    surprised = true;
                }
                seen[0] += candidateCount[i];
                seen[1] += events;
            }
            Arrays.fill(candidateCount, 0);
            Arrays.fill(matchCount, 0);
            events = 0;
            if (surprised && plans < MAX_PLANS) {
                plans++;
                plan();
            }
        }

        /** How many times the group chose its requirements again from what it observed. */
        int replans() {
            return plans;
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
            return members.length + " rules (" + alwaysCount() + " always evaluated), " + fields.length + " fields, "
                    + literals() + " literals";
        }
    }
}
