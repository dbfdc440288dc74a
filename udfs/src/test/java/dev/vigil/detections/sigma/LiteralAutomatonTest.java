package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The automaton finds exactly the literals a brute-force search of the lower-cased text finds. */
class LiteralAutomatonTest {

    /** Letters that fold, that lower-case to two characters (İ), by context (Σ), to ASCII (Kelvin K), or not at all. */
    private static final String ALPHABET = "abcAB\\.- İiΣσςK\u212Akßx/\u2013\uD83D\uDE00";

    static boolean found(Requirement.Kind kind, String lower, String literal) {
        return switch (kind) {
            case EQUALS -> lower.equals(literal);
            case STARTS_WITH -> lower.startsWith(literal);
            case ENDS_WITH -> lower.endsWith(literal);
            case CONTAINS -> lower.contains(literal);
        };
    }

    static String random(Random r, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(maxLength + 1); i > 0; i--) {
            b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** As rule literals are: each character lower-cased on its own (Glob). */
    static String literal(Random r, int maxLength) {
        String s = random(r, maxLength);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            b.append(Character.toLowerCase(s.charAt(i)));
        }
        return b.toString();
    }

    @Test
    void findsExactlyWhatABruteForceSearchFinds() {
        Random r = new Random(11);
        Requirement.Kind[] kinds = Requirement.Kind.values();
        for (int round = 0; round < 300; round++) {
            List<LiteralAutomaton.Entry> entries = new ArrayList<>();
            int n = 1 + r.nextInt(12);
            for (int i = 0; i < n; i++) {
                Requirement.Kind kind = kinds[r.nextInt(kinds.length)];
                String literal = literal(r, 4);
                if (literal.isEmpty() && kind != Requirement.Kind.EQUALS) {
                    literal = "a";
                }
                entries.add(new LiteralAutomaton.Entry(kind, literal, r.nextInt(70)));
            }
            LiteralAutomaton automaton = LiteralAutomaton.forIndex(entries);
            LiteralAutomaton compact = LiteralAutomaton.forTest(entries);
            for (int t = 0; t < 200; t++) {
                String text = random(r, 9);
                String lower = text.toLowerCase(Locale.ROOT);
                TreeSet<Integer> expected = bruteForce(entries, lower);
                TreeSet<Integer> actual = scanned(automaton, text);
                assertThat(actual).as("%s in '%s'", entries, text).isEqualTo(expected);
                assertThat(automaton.matchesAny(lower)).as("%s in '%s'", entries, text).isEqualTo(!expected.isEmpty());
                assertThat(compact.matchesAny(lower)).as("%s in '%s', compact", entries, text).isEqualTo(!expected.isEmpty());
                assertFoldedAgrees(automaton.matchesAnyFolded(text), text, !expected.isEmpty(), entries);
                assertFoldedAgrees(compact.matchesAnyFolded(text), text, !expected.isEmpty(), entries);
            }
        }
    }

    /** Besides {@link #ALPHABET}: what {@code İ} lower-cases to, a Latin-1 and a supplementary letter with an upper case. */
    private static final String[] LONG_LITERAL_PIECES = {"a", "b", "c", "\\", ".", "-", "x", "/", "k", "i", "i\u0307", "\u00E9", "\uD801\uDC28"};

    /**
     * Long {@code contains} literals, which the index finds by skipping over the text (Wu–Manber): texts are
     * mostly pieces of the literals, in either case, so that windows often end on blocks of a literal.
     */
    @Test
    void longLiteralsFoundBySkippingAsByABruteForceSearch() {
        Random r = new Random(23);
        Requirement.Kind[] kinds = Requirement.Kind.values();
        for (int round = 0; round < 300; round++) {
            List<LiteralAutomaton.Entry> entries = new ArrayList<>();
            List<String> pieces = new ArrayList<>();
            int n = 1 + r.nextInt(20);
            for (int i = 0; i < n; i++) {
                // mostly contains, so that every contains literal is long enough to skip with
                Requirement.Kind kind = r.nextInt(4) == 0 ? kinds[r.nextInt(kinds.length)] : Requirement.Kind.CONTAINS;
                String literal = literal(r, 3);
                while (literal.length() < LiteralAutomaton.MIN_WINDOW + r.nextInt(6)) {
                    literal += r.nextInt(3) == 0 ? literal(r, 2) : LONG_LITERAL_PIECES[r.nextInt(LONG_LITERAL_PIECES.length)];
                }
                entries.add(new LiteralAutomaton.Entry(kind, literal, r.nextInt(70)));
                pieces.add(literal);
            }
            LiteralAutomaton automaton = LiteralAutomaton.forIndex(entries);
            for (int t = 0; t < 200; t++) {
                StringBuilder b = new StringBuilder();
                for (int k = r.nextInt(6); k > 0; k--) {
                    String piece = pieces.get(r.nextInt(pieces.size()));
                    int from = r.nextInt(piece.length());
                    piece = piece.substring(from, from + r.nextInt(piece.length() - from + 1));
                    piece = r.nextBoolean() ? piece.toUpperCase(Locale.ROOT) : piece; // é → É, 𐐨 → 𐐀 (by code point)
                    piece = r.nextInt(4) == 0 ? piece.replace('k', '\u212A').replace('K', '\u212A') : piece;
                    b.append(r.nextInt(6) == 0 ? piece.replace('i', '\u0130').replace('I', '\u0130') : piece);
                    b.append(r.nextInt(4) == 0 ? random(r, 3) : "");
                }
                if (r.nextInt(3) == 0) {
                    b.append(pieces.get(r.nextInt(pieces.size())));
                }
                String text = r.nextInt(10) == 0 ? b + "\u212A" : b.toString();
                String lower = text.toLowerCase(Locale.ROOT);
                TreeSet<Integer> expected = bruteForce(entries, lower);
                TreeSet<Integer> actual = scanned(automaton, text);
                assertThat(actual).as("%s in '%s'", entries, text).isEqualTo(expected);
            }
        }
    }

    /**
     * Many {@code contains} literals, some short (so no skipping): a complete DFA would exceed
     * {@link LiteralAutomaton#MAX_DFA_ENTRIES} and the index scans with the double-array trie and failure links.
     */
    @Test
    void largeAutomataScanWithTheTrieAsABruteForceSearch() {
        Random r = new Random(31);
        Requirement.Kind[] kinds = Requirement.Kind.values();
        int withHits = 0;
        for (int round = 0; round < 8; round++) {
            List<LiteralAutomaton.Entry> entries = new ArrayList<>();
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                Requirement.Kind kind = r.nextInt(5) == 0 ? kinds[r.nextInt(kinds.length)] : Requirement.Kind.CONTAINS;
                String literal = literal(r, 3);
                for (int k = r.nextInt(5); k > 0 || literal.isEmpty(); k--) {
                    literal += LONG_LITERAL_PIECES[r.nextInt(LONG_LITERAL_PIECES.length)] + literal(r, 2);
                }
                entries.add(new LiteralAutomaton.Entry(kind, literal, r.nextInt(128)));
                pieces.add(literal);
            }
            LiteralAutomaton automaton = LiteralAutomaton.forIndex(entries);
            assertThat(automaton.scansContainsWithTrie()).as("large enough for the trie").isTrue();
            for (int t = 0; t < 1_000; t++) {
                StringBuilder b = new StringBuilder();
                for (int k = r.nextInt(8); k > 0; k--) {
                    String piece = pieces.get(r.nextInt(pieces.size()));
                    int from = r.nextInt(piece.length());
                    piece = piece.substring(from, from + r.nextInt(piece.length() - from + 1));
                    b.append(r.nextBoolean() ? piece.toUpperCase(Locale.ROOT) : piece).append(random(r, 2));
                }
                String text = b.toString();
                String lower = text.toLowerCase(Locale.ROOT);
                TreeSet<Integer> expected = bruteForce(entries, lower);
                assertThat(scanned(automaton, text)).as("'%s'", text).isEqualTo(expected);
                assertThat(automaton.matchesAny(lower)).as("'%s'", text).isEqualTo(!expected.isEmpty());
                assertFoldedAgrees(automaton.matchesAnyFolded(text), text, !expected.isEmpty(), entries);
                withHits += expected.isEmpty() ? 0 : 1;
            }
        }
        assertThat(withHits).as("texts holding some literal, of 8,000").isBetween(2_000, 7_000);
    }

    /** A folded answer is the lower-cased text's answer, and only a text with a non-ASCII character is undecided. */
    private static void assertFoldedAgrees(int folded, String text, boolean expected, List<LiteralAutomaton.Entry> entries) {
        if (folded == AsciiFold.UNDECIDED) {
            assertThat(AsciiFold.isAscii(text)).as("%s in '%s' undecided", entries, text).isFalse();
        } else {
            assertThat(folded == AsciiFold.YES).as("%s in '%s', folded", entries, text).isEqualTo(expected);
        }
    }

    /** The rules whose literal a brute-force search finds in {@code lower}. */
    private static TreeSet<Integer> bruteForce(List<LiteralAutomaton.Entry> entries, String lower) {
        TreeSet<Integer> rules = new TreeSet<>();
        for (LiteralAutomaton.Entry e : entries) {
            if (found(e.kind(), lower, e.literal())) {
                rules.add(e.rule());
            }
        }
        return rules;
    }

    /** The rules (of 128) the automaton marks when it scans {@code text}. */
    private static TreeSet<Integer> scanned(LiteralAutomaton automaton, String text) {
        long[] marked = new long[2];
        automaton.scan(text, marked);
        TreeSet<Integer> rules = new TreeSet<>();
        for (int i = 0; i < 128; i++) {
            if ((marked[i >>> 6] & (1L << i)) != 0) {
                rules.add(i);
            }
        }
        return rules;
    }

    @Test
    void endingsWithSurrogatePairs() {
        String emoji = "\uD83D\uDE00";
        LiteralAutomaton a = LiteralAutomaton.forIndex(List.of(new LiteralAutomaton.Entry(Requirement.Kind.ENDS_WITH, "x" + emoji, 3)));
        long[] marked = new long[1];
        a.scan("ax" + emoji, marked);
        assertThat(marked[0]).isEqualTo(1L << 3);
        assertThat(a.matchesAny("ax" + emoji)).isTrue();
        assertThat(a.matchesAny(emoji + "x")).isFalse();
    }

    @Test
    void manyPlainValuesOfAFieldMatchAsTheirGlobsDo() {
        Random r = new Random(5);
        String[] shapes = {"%s", "*%s", "%s*", "*%s*", "%s?", "*%s*%s", "* -%s", "/%s -%s*", "-%s"};
        for (int round = 0; round < 300; round++) {
            List<Glob> globs = new ArrayList<>();
            for (int i = 4 + r.nextInt(24); i > 0; i--) {
                String text = String.format(shapes[r.nextInt(shapes.length)], random(r, 3), random(r, 2));
                Glob g = Glob.parse(text, r.nextInt(6) == 0);
                globs.add(r.nextBoolean() ? g.windash() : g);
            }
            PredicateNodes.StringFieldTest test = new PredicateNodes.StringFieldTest("F", globs.toArray(Glob[]::new));
            PreparedEvent prepared = new PreparedEvent();
            for (int t = 0; t < 100; t++) {
                String value = random(r, 7);
                boolean expected = globs.stream().anyMatch(g -> g.matches(value));
                MapEventFields event = new MapEventFields(java.util.Map.of("F", value));
                assertThat(test.test(event)).as("%s on '%s'", globs, value).isEqualTo(expected);
                assertThat(test.test(prepared.reset(event))).as("%s on '%s', prepared", globs, value).isEqualTo(expected);
            }
        }
    }
}
