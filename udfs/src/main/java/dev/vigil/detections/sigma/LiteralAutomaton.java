package dev.vigil.detections.sigma;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every literal the rules need in one field, found in one pass over the field's lower-cased text; the rules
 * needing a literal that is found are marked as candidates. Three parts, so most values are barely read:
 * <ul>
 *   <li>{@code contains} literals: Aho–Corasick over the whole text (linear in the text, whatever the number
 *       of literals; a complete DFA, or a double-array trie with failure links where the DFA would be large); or, in the index, when every such literal is long ({@value #MIN_WINDOW} characters or
 *       more), Wu–Manber: a window as long as the shortest literal slides over the text by up to its length, as
 *       a table of character-class pairs allows, and literals are compared only where it cannot move. A registry
 *       path is then read at a handful of places instead of at each of its 100 characters, each a dependent
 *       table read (measured: the dominant cost of the index at 100 and 1,000 rules);</li>
 *   <li>{@code startswith} and {@code equals} literals: a trie walked from the first character, stopping at
 *       the first character no literal continues with (usually within a few characters);</li>
 *   <li>{@code endswith} literals: a trie of the reversed literals walked from the last character
 *       ({@code Image|endswith: '\cmd.exe'} reads the end of the path, not the path).</li>
 * </ul>
 * Characters are read as classes: one per character the literals use, one for all others. The Aho–Corasick
 * part is a complete DFA indexed by {@code state << shift | class}, so a step is one array read; a state where
 * some literal ends is flagged by the sign bit, and only there are literals reported (its own and those reached
 * by dictionary-suffix links). The tries keep a full row for the root and only the edges of other nodes.
 *
 * <p>Lower-casing: ASCII text is folded on the fly (no copy). A text with any other character is lower-cased
 * with {@link Locale#ROOT}, exactly as the rules' own tests do, and scanned again; marks made before stand,
 * since up to the first non-ASCII character (or after the last, from the end) both texts are the same.
 *
 * <p>Immutable after construction; {@link #scan} writes only into the caller's candidate bit set.
 */
final class LiteralAutomaton {

    /** One literal to find (already lower-cased, non-empty unless an equality) and the rule that needs it. */
    record Entry(Requirement.Kind kind, String literal, int rule) {}

    private static final int HAS_OUTPUT = 0x8000_0000;

    /**
     * Skip over the text (Wu–Manber) only when every {@code contains} literal is at least this long: shorter ones
     * let the window move only a few characters, and the DFA's one table read per character is then cheaper.
     */
    static final int MIN_WINDOW = 6;
    /**
     * The index's {@code contains} literals of a field are scanned with a complete DFA up to this many entries
     * (64 KB), above with the double-array trie and failure links. Between two events of one EventID the other
     * groups' automata and rules run, so a large DFA is out of the cache, and a step into it (one per character)
     * misses; the trie holds the same literals in about an eighth of the memory. Measured on the benchmark's mixed
     * stream at 1,000 rules: scanning the command line of a Sysmon 1 event took 1.96–2.15 µs with the 980 KB DFA,
     * 1.0–1.2 µs with the trie (116 KB with its output tables).
     */
    static final int MAX_DFA_ENTRIES = 1 << 14;
    /** Longer windows would not fit the shift table's bytes; a window shorter than the literals is still exact. */
    private static final int MAX_WINDOW = 100;
    /** Blocks of two classes index a table of {@code 4^shift} bytes: at most 16 KB. */
    private static final int MAX_BLOCK_SHIFT = 7;
    private static final int ROW_MASK = 0x7fff_ffff;

    /**
     * Class of each ASCII character, upper-case letters folded onto lower-case ones; 0: no literal uses it. Bytes,
     * not ints: the table is read for every character scanned, and as two cache lines instead of eight it stays
     * cached between events while each EventID group's automata take turns (ASCII classes are numbered first, so
     * at most 103 of them).
     */
    private final byte[] asciiClass = new byte[128];
    /** Non-ASCII characters the literals use, sorted, and their classes. */
    private final char[] wideChars;
    private final int[] wideClass;
    private final int shift;

    /** Rules needing the text to equal "" (not representable as a path). */
    private final int[] emptyRules;

    // contains: a complete DFA (forIndex, up to MAX_DFA_ENTRIES) or a sparse trie with failure links (forTest, and
    // larger forIndex automata); per state its
    // literal's terminal id (or -1) and the nearest terminal on its failure chain (or -1); per terminal id the
    // literal's rules
    private final int[] containsDelta;
    private final boolean forIndex;
    private final DoubleArrayTrie containsTrie;
    private final int[] containsFail;
    private final int[] containsTerminal;
    private final int[] containsOutputLink;
    private final int[][] containsRules;

    // contains, skipping (forIndex, when every literal is long): Wu–Manber over blocks of two character classes.
    // A window of the shortest literal's length (at most MAX_WINDOW) slides over ASCII text; the class pair at its
    // end says how far it may move without passing an occurrence; only at 0 are literals compared. 0: not used.
    private final int window;
    private final byte[] windowShift;
    /** Literal ids whose first {@link #window} characters end with block {@code b}: from bucketStart[b] to [b + 1]. */
    private final int[] bucketStart;
    private final int[] bucketLiteral;
    private final char[][] containsLiteral;

    // startswith / equals: trie over the literals
    private final DoubleArrayTrie prefixTrie;
    private final int[] prefixTerminal;
    private final int[][] startsRules;
    private final int[][] equalsRules;
    private final int prefixDepth;

    // endswith: trie over the reversed literals
    private final DoubleArrayTrie suffixTrie;
    private final int[] suffixTerminal;
    private final int[][] endsRules;
    private final int suffixDepth;

    private final int literals;

    /**
     * For the rule index, run on every event: {@code contains} literals as a complete DFA, one table read per
     * character (its table takes {@code 4 × classes} bytes per state), unless that table would be larger than
     * {@link #MAX_DFA_ENTRIES}.
     */
    static LiteralAutomaton forIndex(List<Entry> entries) {
        return new LiteralAutomaton(entries, true);
    }

    /**
     * For one rule's list of values, run only on the events the index selects: compact (a sparse trie with
     * failure links), since a rule set holds thousands of them. Only {@link #matchesAny} is offered.
     */
    static LiteralAutomaton forTest(List<Entry> entries) {
        return new LiteralAutomaton(entries, false);
    }

    private LiteralAutomaton(List<Entry> entries, boolean completeDfa) {
        Map<String, List<Entry>> contains = new LinkedHashMap<>();
        Map<String, List<Entry>> prefix = new LinkedHashMap<>();
        Map<String, List<Entry>> suffix = new LinkedHashMap<>();
        List<Integer> empty = new ArrayList<>();
        TreeSet<Character> alphabet = new TreeSet<>();
        for (Entry e : entries) {
            String literal = e.literal();
            if (literal.isEmpty()) {
                if (e.kind() != Requirement.Kind.EQUALS) {
                    throw new IllegalArgumentException("empty " + e.kind() + " literal");
                }
                empty.add(e.rule());
                continue;
            }
            switch (e.kind()) {
                case CONTAINS -> contains.computeIfAbsent(literal, k -> new ArrayList<>()).add(e);
                case STARTS_WITH, EQUALS -> prefix.computeIfAbsent(literal, k -> new ArrayList<>()).add(e);
                case ENDS_WITH -> suffix.computeIfAbsent(reversed(literal), k -> new ArrayList<>()).add(e);
            }
            for (int i = 0; i < literal.length(); i++) {
                alphabet.add(literal.charAt(i));
            }
        }
        literals = contains.size() + prefix.size() + suffix.size();
        emptyRules = sortedDistinct(empty.stream().mapToInt(Integer::intValue).toArray());

        List<Character> wide = new ArrayList<>();
        int classes = 1;
        for (char c : alphabet) {
            if (c < 128) {
                asciiClass[c] = (byte) classes++;
            } else {
                wide.add(c);
            }
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            if (asciiClass[c] == 0) { // literals are lower-cased: an upper-case letter reads as its lower case
                asciiClass[c] = asciiClass[Character.toLowerCase(c)];
            }
        }
        wideChars = new char[wide.size()];
        wideClass = new int[wide.size()];
        for (int i = 0; i < wide.size(); i++) {
            wideChars[i] = wide.get(i);
            wideClass[i] = classes++;
        }
        int s = 0;
        while ((1 << s) < classes) {
            s++;
        }
        shift = s;

        Trie c = trie(contains);
        containsRules = rulesOf(contains, Requirement.Kind.CONTAINS);
        int[] terminal = c.terminal;
        int[] outputLink = new int[terminal.length];
        int[] fail = new int[terminal.length];
        int[] trieOnly = c.next.clone();
        int[] dfa = completeWithFailureLinks(c.next, terminal, outputLink, fail);
        forIndex = completeDfa;
        if (completeDfa && dfa.length <= MAX_DFA_ENTRIES) {
            // the DFA's rows are numbered by node, as the trie built them
            containsTrie = null;
            containsDelta = dfa;
            containsTerminal = terminal;
            containsOutputLink = outputLink;
            containsFail = fail;
        } else {
            containsTrie = new DoubleArrayTrie(trieOnly, 1 << shift);
            containsDelta = null;
            containsTerminal = containsTrie.byPosition(terminal, false);
            containsOutputLink = containsTrie.byPosition(outputLink, true);
            containsFail = containsTrie.byPosition(fail, true);
        }

        int shortest = Integer.MAX_VALUE;
        for (String literal : contains.keySet()) {
            shortest = Math.min(shortest, literal.length());
        }
        if (completeDfa && !contains.isEmpty() && shortest >= MIN_WINDOW && shift <= MAX_BLOCK_SHIFT) {
            window = Math.min(shortest, MAX_WINDOW);
            containsLiteral = contains.keySet().stream().map(String::toCharArray).toArray(char[][]::new);
            int blocks = 1 << (2 * shift);
            windowShift = new byte[blocks];
            int[] bucketSize = new int[blocks + 1];
            for (int b = 0; b < blocks; b++) {
                // a block absent from every literal's window: the window may move past its first character; past
                // both when the second is a character no literal has (class 0)
                windowShift[b] = (byte) ((b & ((1 << shift) - 1)) == 0 ? window : window - 1);
            }
            for (char[] literal : containsLiteral) {
                for (int j = 1; j < window; j++) {
                    int b = block(classOf(literal[j - 1]), classOf(literal[j]));
                    windowShift[b] = (byte) Math.min(windowShift[b], window - 1 - j);
                }
                bucketSize[block(classOf(literal[window - 2]), classOf(literal[window - 1]))]++;
            }
            bucketStart = new int[blocks + 1];
            for (int b = 0; b < blocks; b++) {
                bucketStart[b + 1] = bucketStart[b] + bucketSize[b];
            }
            bucketLiteral = new int[containsLiteral.length];
            int[] fill = Arrays.copyOf(bucketStart, blocks);
            for (int id = 0; id < containsLiteral.length; id++) {
                char[] literal = containsLiteral[id];
                bucketLiteral[fill[block(classOf(literal[window - 2]), classOf(literal[window - 1]))]++] = id;
            }
        } else {
            window = 0;
            windowShift = null;
            bucketStart = null;
            bucketLiteral = null;
            containsLiteral = null;
        }

        Trie p = trie(prefix);
        prefixTrie = new DoubleArrayTrie(p.next, 1 << shift);
        prefixTerminal = prefixTrie.byPosition(p.terminal, false);
        prefixDepth = p.depth;
        startsRules = rulesOf(prefix, Requirement.Kind.STARTS_WITH);
        equalsRules = rulesOf(prefix, Requirement.Kind.EQUALS);

        Trie x = trie(suffix);
        suffixTrie = new DoubleArrayTrie(x.next, 1 << shift);
        suffixTerminal = suffixTrie.byPosition(x.terminal, false);
        suffixDepth = x.depth;
        endsRules = rulesOf(suffix, Requirement.Kind.ENDS_WITH);
    }

    /** A trie in table form: {@code next[node << shift | class]} is the child node (0: none). */
    private record Trie(int[] next, int[] terminal, int depth) {}

    /**
     * A trie as a double array (Aoe): the children of the node at position {@code n} sit at {@code base[n] + class},
     * each marked as {@code n}'s by {@code check}, so a step is two array reads whatever the node's fan-out, and
     * the arrays stay about as small as the trie. A full row per node would cost {@code 4 × classes} bytes each (a
     * megabyte for the endings of 1,000 rules' paths, mostly zeros, evicting what the scan needs); a list of edges
     * per node made a step a search, which at the nodes after {@code .exe}, with dozens of edges, was a tenth of
     * the index's time at 1,000 rules. The root is position 0; no node is a child at position 0.
     */
    private static final class DoubleArrayTrie {

        private final int[] base;
        /** The parent's position of the node at each position; -1 where no node is. */
        private final int[] check;
        /** The position of each node of the table the trie was built from. */
        private final int[] positionOf;

        /** {@code dense[node * width + class]}: the child (0: none), as {@link #trie} builds it. */
        DoubleArrayTrie(int[] dense, int width) {
            int nodes = dense.length / width;
            positionOf = new int[nodes];
            int[] b = new int[Math.max(64, 2 * nodes + 2 * width)];
            int[] k = new int[b.length];
            Arrays.fill(k, -1);
            k[0] = Integer.MIN_VALUE; // the root: occupied, nobody's child
            // nextFree leads from a position to the first free one at or after it (union-find with path halving),
            // so the search for a node's offset tries only offsets where its first child would land on a free
            // cell: the same first fit as trying every offset, which took half of building a 1,000-rule index
            int[] nextFree = identity(k.length + 1);
            nextFree[0] = 1;
            int[] classes = new int[width];
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
            while (!queue.isEmpty()) {
                int node = queue.poll();
                int children = 0;
                for (int c = 0; c < width; c++) {
                    if (dense[node * width + c] != 0) {
                        classes[children++] = c;
                    }
                }
                if (children == 0) {
                    continue; // base 0: check[c] is never this node's, so every child lookup answers none
                }
                int first = firstFree(nextFree, 1 + classes[0]); // offset at least 1
                int offset;
                while (true) {
                    offset = first - classes[0];
                    if (offset + width > k.length) {
                        int grown = Math.max(k.length * 2, offset + 2 * width);
                        b = Arrays.copyOf(b, grown);
                        int old = k.length;
                        k = Arrays.copyOf(k, grown);
                        Arrays.fill(k, old, grown, -1);
                        int[] more = identity(grown + 1);
                        System.arraycopy(nextFree, 0, more, 0, old); // positions from old on are free
                        nextFree = more;
                    }
                    boolean free = true;
                    for (int j = 1; j < children && free; j++) {
                        free = k[offset + classes[j]] == -1;
                    }
                    if (free) {
                        break;
                    }
                    first = firstFree(nextFree, first + 1);
                }
                int at = positionOf[node];
                b[at] = offset;
                for (int j = 0; j < children; j++) {
                    int child = dense[node * width + classes[j]];
                    int p = offset + classes[j];
                    positionOf[child] = p;
                    k[p] = at;
                    nextFree[p] = p + 1;
                    queue.add(child);
                }
            }
            int length = 0;
            for (int i = 0; i < k.length; i++) {
                if (k[i] != -1) {
                    length = i + 1;
                }
            }
            // every base + class read must be in the arrays: a leaf's base is 0, an inner node's is below length
            length += width;
            base = Arrays.copyOf(b, length);
            check = Arrays.copyOf(k, length);
            if (length > k.length) {
                Arrays.fill(check, k.length, length, -1);
            }
        }

        private static int[] identity(int n) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = i;
            }
            return a;
        }

        /** The first free position at or after {@code p}; the last entry of {@code nextFree} is always free. */
        private static int firstFree(int[] nextFree, int p) {
            while (nextFree[p] != p) {
                nextFree[p] = nextFree[nextFree[p]];
                p = nextFree[p];
            }
            return p;
        }

        /** The position of the child of the node at {@code node} by a character of class {@code c}; 0 when none. */
        int child(int node, int c) {
            int p = base[node] + c;
            return check[p] == node ? p : 0;
        }

        /** A per-node array of the source table, by position; {@code nodes}: its values are nodes too (or -1). */
        int[] byPosition(int[] perNode, boolean nodes) {
            int[] out = new int[base.length];
            Arrays.fill(out, -1);
            for (int n = 0; n < perNode.length; n++) {
                int v = perNode[n];
                out[positionOf[n]] = nodes && v >= 0 ? positionOf[v] : v;
            }
            return out;
        }
    }

    private Trie trie(Map<String, List<Entry>> literalsByText) {
        int maxNodes = 1;
        int depth = 0;
        for (String literal : literalsByText.keySet()) {
            maxNodes += literal.length();
            depth = Math.max(depth, literal.length());
        }
        int width = 1 << shift;
        int[] next = new int[maxNodes * width];
        int[] terminal = new int[maxNodes];
        Arrays.fill(terminal, -1);
        int count = 1;
        int id = 0;
        for (String literal : literalsByText.keySet()) {
            int node = 0;
            for (int i = 0; i < literal.length(); i++) {
                int slot = (node << shift) | classOf(literal.charAt(i));
                if (next[slot] == 0) {
                    next[slot] = count++;
                }
                node = next[slot];
            }
            terminal[node] = id++;
        }
        return new Trie(Arrays.copyOf(next, count * width), Arrays.copyOf(terminal, count), depth);
    }

    /**
     * Turns the contains trie into a complete DFA (breadth-first: a missing edge goes where the failure state's
     * goes) whose entries are the next state's row, flagged where a literal ends there or on its failure chain.
     */
    private int[] completeWithFailureLinks(int[] next, int[] terminal, int[] outputLink, int[] fail) {
        int width = 1 << shift;
        Arrays.fill(outputLink, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < width; c++) {
            if (next[c] != 0) {
                queue.add(next[c]); // depth 1: fails to the root
            }
        }
        while (!queue.isEmpty()) {
            int node = queue.poll();
            int f = fail[node];
            outputLink[node] = terminal[f] >= 0 ? f : outputLink[f];
            for (int c = 0; c < width; c++) {
                int slot = (node << shift) | c;
                int viaFail = next[(f << shift) | c];
                if (next[slot] != 0) {
                    fail[next[slot]] = viaFail;
                    queue.add(next[slot]);
                } else {
                    next[slot] = viaFail;
                }
            }
        }
        int[] delta = new int[next.length];
        for (int i = 0; i < delta.length; i++) {
            int target = next[i];
            delta[i] = (target << shift) | (terminal[target] >= 0 || outputLink[target] >= 0 ? HAS_OUTPUT : 0);
        }
        return delta;
    }

    /** Reversed char by char (not by code point, as StringBuilder does): the walk reads chars from the end. */
    private static String reversed(String s) {
        char[] c = new char[s.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = s.charAt(s.length() - 1 - i);
        }
        return new String(c);
    }

    private static int[][] rulesOf(Map<String, List<Entry>> literalsByText, Requirement.Kind kind) {
        int[][] out = new int[literalsByText.size()][];
        int id = 0;
        for (List<Entry> entries : literalsByText.values()) {
            int[] r = sortedDistinct(entries.stream().filter(e -> e.kind() == kind).mapToInt(Entry::rule).toArray());
            out[id++] = r.length == 0 ? null : r;
        }
        return out;
    }

    private static int[] sortedDistinct(int[] rules) {
        return Arrays.stream(rules).distinct().sorted().toArray();
    }

    private int classOf(char c) {
        if (c < 128) {
            return asciiClass[c];
        }
        int i = Arrays.binarySearch(wideChars, c);
        return i < 0 ? 0 : wideClass[i];
    }

    int literals() {
        return literals;
    }

    /**
     * Marks in {@code candidates} (a bit per rule) every rule one of whose literals {@code text} has. Only on
     * an automaton {@link #forIndex}.
     */
    void scan(String text, long[] candidates) {
        if (!forIndex) {
            throw new IllegalStateException("scan needs an automaton built forIndex");
        }
        if (text.isEmpty()) {
            mark(emptyRules, candidates);
            return;
        }
        if (!(walkPrefix(text, false, candidates) && walkSuffix(text, false, candidates)
                && scanContains(text, false, candidates))) {
            String lower = text.toLowerCase(Locale.ROOT);
            walkPrefix(lower, true, candidates);
            walkSuffix(lower, true, candidates);
            scanContains(lower, true, candidates);
        }
    }

    /**
     * {@code lowered}: the text is already lower-cased and may hold any character; otherwise it is read as
     * ASCII and the walk gives up (false) at the first other character.
     */
    private boolean walkPrefix(String text, boolean lowered, long[] candidates) {
        if (prefixDepth == 0) {
            return true;
        }
        int n = text.length();
        int limit = Math.min(n, prefixDepth);
        int node = 0;
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c >= 128 && !lowered) {
                return false;
            }
            node = prefixTrie.child(node, lowered ? classOf(c) : asciiClass[c]);
            if (node == 0) {
                return true;
            }
            int t = prefixTerminal[node];
            if (t >= 0) {
                mark(startsRules[t], candidates);
                if (i + 1 == n) {
                    mark(equalsRules[t], candidates);
                }
            }
        }
        return true;
    }

    private boolean walkSuffix(String text, boolean lowered, long[] candidates) {
        if (suffixDepth == 0) {
            return true;
        }
        int n = text.length();
        int stop = Math.max(0, n - suffixDepth);
        int node = 0;
        for (int i = n - 1; i >= stop; i--) {
            char c = text.charAt(i);
            if (c >= 128 && !lowered) {
                return false;
            }
            node = suffixTrie.child(node, lowered ? classOf(c) : asciiClass[c]);
            if (node == 0) {
                return true;
            }
            int t = suffixTerminal[node];
            if (t >= 0) {
                mark(endsRules[t], candidates);
            }
        }
        return true;
    }

    private boolean scanContains(String text, boolean lowered, long[] candidates) {
        if (containsRules.length == 0) {
            return true;
        }
        if (window > 0 && !lowered) {
            return skipContains(text, candidates);
        }
        if (containsDelta == null) {
            return scanTrie(text, lowered, candidates);
        }
        final int[] delta = containsDelta;
        final int n = text.length();
        int row = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int cls;
            if (c < 128) {
                cls = asciiClass[c];
            } else if (lowered) {
                cls = classOf(c);
            } else {
                return false;
            }
            int next = delta[row | cls];
            if (next < 0) {
                next &= ROW_MASK;
                for (int s = next >>> shift, t = containsTerminal[s] >= 0 ? s : containsOutputLink[s]; t >= 0;
                        t = containsOutputLink[t]) {
                    mark(containsRules[containsTerminal[t]], candidates);
                }
            }
            row = next;
        }
        return true;
    }

    /** {@link #scanContains} when the literals are too many for a complete DFA ({@link #MAX_DFA_ENTRIES}). */
    private boolean scanTrie(String text, boolean lowered, long[] candidates) {
        final int n = text.length();
        final DoubleArrayTrie trie = containsTrie;
        int state = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int cls;
            if (c < 128) {
                cls = asciiClass[c];
            } else if (lowered) {
                cls = classOf(c);
            } else {
                return false;
            }
            int next = trie.child(state, cls);
            while (next == 0 && state != 0) {
                state = containsFail[state];
                next = trie.child(state, cls);
            }
            state = next;
            if (state != 0) {
                for (int t = containsTerminal[state] >= 0 ? state : containsOutputLink[state]; t >= 0;
                        t = containsOutputLink[t]) {
                    mark(containsRules[containsTerminal[t]], candidates);
                }
            }
        }
        return true;
    }

    /** Whether {@code contains} literals are found with the trie rather than a complete DFA. */
    boolean scansContainsWithTrie() {
        return containsDelta == null && containsRules.length > 0;
    }

    private int block(int first, int second) {
        return (first << shift) | second;
    }

    /**
     * The {@code contains} literals in the text, reading only some of it (Wu–Manber), each character lower-cased
     * on its own. That is exactly {@link Locale#ROOT} lower-casing of the whole text unless the text has one of
     * the three exceptions: {@code İ} (becomes two characters), {@code Σ} (by its context) and surrogate pairs
     * (by code point). Then this returns false having marked nothing, and the caller lower-cases the text and runs
     * the DFA. The checks cost nothing for Latin-1 text ({@code String} answers them from its coder without
     * reading the text), which is why they are written this way.
     */
    private boolean skipContains(String text, long[] candidates) {
        final int n = text.length();
        if (text.indexOf('\u0130') >= 0 || text.indexOf('\u03A3') >= 0 || text.codePointCount(0, n) != n) {
            return false;
        }
        final int m = window;
        final byte[] shifts = windowShift;
        int end = m - 1; // the window is text[end - m + 1 .. end]
        while (end < n) {
            int b = block(foldedClass(text.charAt(end - 1)), foldedClass(text.charAt(end)));
            int skip = shifts[b];
            if (skip != 0) {
                end += skip;
                continue;
            }
            int start = end - m + 1;
            for (int k = bucketStart[b], last = bucketStart[b + 1]; k < last; k++) {
                int id = bucketLiteral[k];
                if (occursAt(text, start, containsLiteral[id])) {
                    mark(containsRules[id], candidates);
                }
            }
            end++;
        }
        return true;
    }

    /** The class of {@code c} lower-cased on its own. */
    private int foldedClass(char c) {
        return c < 128 ? asciiClass[c] : classOf(Character.toLowerCase(c));
    }

    /**
     * Whether {@code text}, each character lower-cased on its own, has {@code literal} at {@code start}. Compared
     * from the end: literals in one bucket share their first characters (paths under one registry key; a rule's
     * variants), which a text that reached the bucket often has too.
     */
    private static boolean occursAt(String text, int start, char[] literal) {
        if (start + literal.length > text.length()) {
            return false;
        }
        for (int j = literal.length - 1; j >= 0; j--) {
            char c = text.charAt(start + j);
            if (c < 128) {
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
            } else {
                c = Character.toLowerCase(c);
            }
            if (c != literal[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code lower} (already lower-cased with {@link Locale#ROOT}) has any of the literals, each by its
     * kind: the exact test of a list of plain values, for {@link PredicateNodes.StringFieldTest}.
     */
    boolean matchesAny(String lower) {
        return decide(lower, true) == AsciiFold.YES;
    }

    /**
     * {@link #matchesAny} on the text as it is, its ASCII letters folded while read (as {@link #scan} reads
     * them), so most values need not be lower-cased: {@link AsciiFold#YES} or {@link AsciiFold#NO}, exactly as
     * {@code matchesAny} of the lower-cased text answers (for the reasons {@link AsciiFold} gives), or
     * {@link AsciiFold#UNDECIDED} when a character that could decide is not ASCII: then call {@code matchesAny}.
     */
    int matchesAnyFolded(String text) {
        return decide(text, false);
    }

    /**
     * {@code lowered}: the text is lower-cased and may hold any character (the answer is then YES or NO);
     * otherwise its ASCII letters are folded, and a non-ASCII character where it could matter leaves it UNDECIDED.
     */
    private int decide(String text, boolean lowered) {
        int n = text.length();
        if (n == 0) {
            return emptyRules.length > 0 ? AsciiFold.YES : AsciiFold.NO;
        }
        boolean undecided = false;
        int node = 0;
        for (int i = 0, limit = Math.min(n, prefixDepth); i < limit; i++) {
            char c = text.charAt(i);
            if (c >= 128 && !lowered) {
                undecided = true;
                break;
            }
            node = prefixTrie.child(node, classOf(c));
            if (node == 0) {
                break;
            }
            int t = prefixTerminal[node];
            if (t >= 0 && (startsRules[t] != null || (i + 1 == n && equalsRules[t] != null))) {
                return AsciiFold.YES;
            }
        }
        node = 0;
        for (int i = n - 1, stop = Math.max(0, n - suffixDepth); i >= stop && suffixDepth > 0; i--) {
            char c = text.charAt(i);
            if (c >= 128 && !lowered) {
                undecided = true;
                break;
            }
            node = suffixTrie.child(node, classOf(c));
            if (node == 0) {
                break;
            }
            if (suffixTerminal[node] >= 0) {
                return AsciiFold.YES;
            }
        }
        if (containsRules.length > 0) {
            // a literal found in a run of ASCII characters is in the lower-cased text too; a non-ASCII character
            // may lower-case to ASCII and complete one, so an unlowered text with one and no literal is undecided
            int state = 0;
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 128 && !lowered) {
                    return AsciiFold.UNDECIDED;
                }
                int cls = classOf(c);
                if (containsDelta != null) {
                    state = containsDelta[state | cls];
                    if (state < 0) {
                        return AsciiFold.YES; // every literal here is wanted: any literal ending is a match
                    }
                    continue;
                }
                int next = containsTrie.child(state, cls);
                while (next == 0 && state != 0) {
                    state = containsFail[state];
                    next = containsTrie.child(state, cls);
                }
                state = next;
                if (state != 0 && (containsTerminal[state] >= 0 || containsOutputLink[state] >= 0)) {
                    return AsciiFold.YES;
                }
            }
        }
        return undecided ? AsciiFold.UNDECIDED : AsciiFold.NO;
    }

    private static void mark(int[] rules, long[] candidates) {
        if (rules != null) {
            for (int r : rules) {
                candidates[r >>> 6] |= 1L << r;
            }
        }
    }
}
