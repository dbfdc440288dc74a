package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Sigma string value compiled for matching: literal characters, {@code ?} (one character), {@code *} (any
 * run) and character sets (what {@code |windash} puts where a dash may be written several ways). Matching is
 * on the whole text; {@code contains}, {@code startswith} and {@code endswith} add {@code *} around. Plain
 * shapes ({@code lit}, {@code *lit*}, {@code lit*}, {@code *lit}) use String methods, not the glob engine.
 */
final class Glob {

    static final int ANY_ONE = -1;
    static final int ANY_RUN = -2;
    private static final int FIRST_SET = -3;

    enum Shape { EQUALS, CONTAINS, STARTS_WITH, ENDS_WITH, GLOB }

    private static final int[] NO_TOKENS = new int[0];

    /** Empty once {@link #compact} dropped them from a plain shape, which matches on {@link #literal} alone. */
    private final int[] tokens;
    /** The tokens as written, before lower-casing: encodings ({@code |base64}, {@code |wide}) need the real case. */
    private final int[] written;
    private final char[][] sets;
    private final boolean caseSensitive;
    private final Shape shape;
    private final String literal;
    /** For {@link Shape#GLOB}: a literal run every match contains, checked before the wildcard matching. */
    private final String requiredRun;
    /** A case-insensitive equals / startswith / endswith of an ASCII literal: {@link #matchesFolded} can decide. */
    private final boolean foldable;
    /** Made by {@link #compact}: matches as before, but cannot be compiled further. */
    private final boolean compacted;

    private Glob(int[] tokens, char[][] sets, boolean caseSensitive) {
        this.caseSensitive = caseSensitive;
        this.sets = sets;
        this.written = tokens.clone();
        if (!caseSensitive) {
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] >= 0) {
                    tokens[i] = Character.toLowerCase(tokens[i]);
                }
            }
            for (char[] set : sets) {
                for (int i = 0; i < set.length; i++) {
                    set[i] = Character.toLowerCase(set[i]);
                }
            }
        }
        this.tokens = tokens;
        int start = tokens.length > 0 && tokens[0] == ANY_RUN ? 1 : 0;
        int end = tokens.length > start && tokens[tokens.length - 1] == ANY_RUN ? tokens.length - 1 : tokens.length;
        boolean plain = true;
        StringBuilder lit = new StringBuilder();
        for (int i = start; i < end; i++) {
            if (tokens[i] < 0) {
                plain = false;
                break;
            }
            lit.appendCodePoint(tokens[i]);
        }
        if (plain) {
            literal = lit.toString();
            boolean leading = start == 1;
            boolean trailing = end == tokens.length - 1 && end >= start;
            shape = leading && trailing ? Shape.CONTAINS : leading ? Shape.ENDS_WITH : trailing ? Shape.STARTS_WITH : Shape.EQUALS;
        } else {
            literal = null;
            shape = Shape.GLOB;
        }
        String run = shape == Shape.GLOB ? longestLiteralRun() : "";
        requiredRun = run.isEmpty() ? null : run;
        compacted = false;
        foldable = !caseSensitive && (shape == Shape.EQUALS || shape == Shape.STARTS_WITH || shape == Shape.ENDS_WITH)
                && AsciiFold.isAscii(literal);
    }

    private Glob(Glob plain) {
        tokens = NO_TOKENS;
        written = NO_TOKENS;
        sets = new char[0][];
        caseSensitive = plain.caseSensitive;
        shape = plain.shape;
        literal = plain.literal;
        requiredRun = null;
        foldable = plain.foldable;
        compacted = true;
    }

    private void requireTokens() {
        if (compacted) {
            throw new IllegalStateException("a compacted glob cannot be compiled further: " + literal);
        }
    }

    /**
     * This glob as a field test keeps it: a plain shape without its token arrays, which only compiling needs
     * (wrapping, {@code |windash}, encodings). 1,000 rules hold ~28,000 globs, and their token arrays were
     * two thirds of the rules' heap, spreading each rule's objects over several times the cache lines.
     */
    Glob compact() {
        return shape == Shape.GLOB || compacted ? this : new Glob(this);
    }

    /** Parses a Sigma string: {@code *} and {@code ?} are wildcards; {@code \*}, {@code \?}, {@code \\} escape; any other backslash is literal. */
    static Glob parse(String value, boolean caseSensitive) {
        int[] out = new int[value.length()];
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && isEscapable(value.charAt(i + 1))) {
                out[n++] = value.charAt(++i);
            } else if (c == '*') {
                if (n == 0 || out[n - 1] != ANY_RUN) {
                    out[n++] = ANY_RUN;
                }
            } else if (c == '?') {
                out[n++] = ANY_ONE;
            } else {
                out[n++] = c;
            }
        }
        return new Glob(Arrays.copyOf(out, n), new char[0][], caseSensitive);
    }

    /** A literal text, no wildcards (e.g. a base64 encoding). */
    static Glob literal(String text, boolean caseSensitive) {
        return new Glob(text.chars().toArray(), new char[0][], caseSensitive);
    }

    private static boolean isEscapable(char c) {
        return c == '*' || c == '?' || c == '\\';
    }

    boolean hasWildcards() {
        for (int t : tokens) {
            if (t < 0) {
                return true;
            }
        }
        return false;
    }

    /** The text with wildcards read as literal characters (for encodings, which apply to plain strings). */
    String plainText() {
        requireTokens();
        StringBuilder b = new StringBuilder();
        for (int t : written) {
            b.append(t == ANY_RUN ? '*' : t == ANY_ONE ? '?' : (char) t);
        }
        return b.toString();
    }

    Glob contains() {
        return wrap(true, true);
    }

    Glob startsWith() {
        return wrap(false, true);
    }

    Glob endsWith() {
        return wrap(true, false);
    }

    private Glob wrap(boolean before, boolean after) {
        requireTokens();
        int[] t = new int[tokens.length + 2];
        int n = 0;
        if (before && (tokens.length == 0 || tokens[0] != ANY_RUN)) {
            t[n++] = ANY_RUN;
        }
        for (int token : tokens) {
            t[n++] = token;
        }
        if (after && (n == 0 || t[n - 1] != ANY_RUN)) {
            t[n++] = ANY_RUN;
        }
        return new Glob(Arrays.copyOf(t, n), copy(sets), caseSensitive);
    }

    /**
     * {@code |windash}: each {@code -} or {@code /} that starts a word (not preceded by a word character,
     * followed by one) may also be written as any of {@code - / – — ―}.
     */
    Glob windash() {
        requireTokens();
        char[][] newSets = Arrays.copyOf(copy(sets), sets.length + 1);
        newSets[sets.length] = new char[] {'-', '/', '\u2013', '\u2014', '\u2015'};
        int setToken = FIRST_SET - sets.length;
        int[] t = tokens.clone();
        boolean changed = false;
        for (int i = 0; i < t.length; i++) {
            if ((t[i] == '-' || t[i] == '/') && !(i > 0 && isWordChar(t[i - 1])) && i + 1 < t.length && isWordChar(t[i + 1])) {
                t[i] = setToken;
                changed = true;
            }
        }
        return changed ? new Glob(t, newSets, caseSensitive) : this;
    }

    private static boolean isWordChar(int token) {
        return token >= 0 && (Character.isLetterOrDigit(token) || token == '_');
    }

    private static char[][] copy(char[][] s) {
        char[][] c = new char[s.length][];
        for (int i = 0; i < s.length; i++) {
            c[i] = s[i].clone();
        }
        return c;
    }

    Shape shape() {
        return shape;
    }

    /** The literal of a plain shape (lower-cased unless case-sensitive); null for {@link Shape#GLOB}. */
    String literal() {
        return literal;
    }

    boolean caseSensitive() {
        return caseSensitive;
    }

    /** A glob with character sets only ({@code |windash}), as the plain literals it stands for. */
    record Alternatives(Shape shape, List<String> literals) {}

    /**
     * When this glob is a plain shape except for character sets (what {@code |windash} makes: no {@code ?}, no
     * inner {@code *}), every literal it stands for, as compared (lower-cased unless case-sensitive), at most
     * {@code max} of them; otherwise null. Matching any of them with the shape is exactly matching the glob.
     */
    Alternatives alternatives(int max) {
        if (shape != Shape.GLOB) {
            return new Alternatives(shape, List.of(literal));
        }
        int start = tokens.length > 0 && tokens[0] == ANY_RUN ? 1 : 0;
        int end = tokens.length > start && tokens[tokens.length - 1] == ANY_RUN ? tokens.length - 1 : tokens.length;
        List<StringBuilder> out = new ArrayList<>(List.of(new StringBuilder()));
        for (int i = start; i < end; i++) {
            int t = tokens[i];
            if (t == ANY_ONE || t == ANY_RUN) {
                return null;
            }
            char[] choices = t >= 0 ? new char[] {(char) t} : sets[FIRST_SET - t];
            if (out.size() * choices.length > max) {
                return null;
            }
            List<StringBuilder> next = new ArrayList<>(out.size() * choices.length);
            for (StringBuilder prefix : out) {
                for (char c : choices) {
                    next.add(new StringBuilder(prefix).append(c));
                }
            }
            out = next;
        }
        boolean leading = start == 1;
        boolean trailing = end == tokens.length - 1 && end >= start;
        Shape plain = leading && trailing ? Shape.CONTAINS : leading ? Shape.ENDS_WITH : trailing ? Shape.STARTS_WITH : Shape.EQUALS;
        return new Alternatives(plain, out.stream().map(StringBuilder::toString).distinct().toList());
    }

    /**
     * The longest run of literal characters, as compared (lower-cased unless case-sensitive); empty when the
     * pattern has none. Any text this glob matches contains it, which is what the rule index needs of a
     * {@link Shape#GLOB}.
     */
    String longestLiteralRun() {
        if (compacted) {
            return literal;
        }
        int bestStart = 0;
        int bestLength = 0;
        int start = 0;
        for (int i = 0; i <= tokens.length; i++) {
            if (i == tokens.length || tokens[i] < 0) {
                if (i - start > bestLength) {
                    bestStart = start;
                    bestLength = i - start;
                }
                start = i + 1;
            }
        }
        StringBuilder b = new StringBuilder(bestLength);
        for (int i = bestStart; i < bestStart + bestLength; i++) {
            b.append((char) tokens[i]);
        }
        return b.toString();
    }

    boolean matches(String text) {
        return matchesPrepared(caseSensitive ? text : text.toLowerCase(Locale.ROOT));
    }

    /** {@code text} already lower-cased when this glob is case-insensitive. */
    boolean matchesPrepared(String text) {
        switch (shape) {
            case EQUALS:
                return text.equals(literal);
            case CONTAINS:
                return text.contains(literal);
            case STARTS_WITH:
                return text.startsWith(literal);
            case ENDS_WITH:
                return text.endsWith(literal);
            default:
                // most texts lack the pattern's longest literal: String.indexOf says so faster than backtracking
                return (requiredRun == null || text.contains(requiredRun)) && globMatch(text);
        }
    }

    /**
     * Whether this case-insensitive glob matches {@code text} (as it is, not lower-cased), when that can be
     * decided without lower-casing the text ({@link AsciiFold}): {@link AsciiFold#YES} or {@link AsciiFold#NO};
     * otherwise, and for the shapes that need the whole text ({@code contains}, wildcards), {@link
     * AsciiFold#UNDECIDED}: then call {@link #matchesPrepared} with the lower-cased text.
     */
    int matchesFolded(String text) {
        if (!foldable) {
            return AsciiFold.UNDECIDED;
        }
        return switch (shape) {
            case EQUALS -> AsciiFold.equals(text, literal);
            case STARTS_WITH -> AsciiFold.startsWith(text, literal);
            case ENDS_WITH -> AsciiFold.endsWith(text, literal);
            default -> AsciiFold.UNDECIDED;
        };
    }

    /** Wildcard matching with backtracking to the last {@code *} (linear in practice, no recursion). */
    private boolean globMatch(String text) {
        int t = 0;
        int p = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.length()) {
            if (p < tokens.length && tokens[p] != ANY_RUN && matchesOne(tokens[p], text.charAt(t))) {
                p++;
                t++;
            } else if (p < tokens.length && tokens[p] == ANY_RUN) {
                starP = p++;
                starT = t;
            } else if (starP >= 0) {
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p] == ANY_RUN) {
            p++;
        }
        return p == tokens.length;
    }

    private boolean matchesOne(int token, char c) {
        if (token >= 0) {
            return token == c;
        }
        if (token == ANY_ONE) {
            return true;
        }
        for (char s : sets[FIRST_SET - token]) {
            if (s == c) {
                return true;
            }
        }
        return false;
    }

    /** What this glob matches, as a string: equal keys, equal globs (the tokens as compared and the sets). */
    String key() {
        if (shape != Shape.GLOB) {
            return (caseSensitive ? "C" : "i") + shape + ':' + literal;
        }
        StringBuilder b = new StringBuilder(caseSensitive ? "C" : "i");
        for (int t : tokens) {
            b.append(',').append(t);
        }
        for (char[] set : sets) {
            b.append('|').append(set);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        if (compacted) { // as compared: lower-cased unless case-sensitive
            return switch (shape) {
                case CONTAINS -> "*" + literal + "*";
                case STARTS_WITH -> literal + "*";
                case ENDS_WITH -> "*" + literal;
                default -> literal;
            };
        }
        return plainText();
    }
}
