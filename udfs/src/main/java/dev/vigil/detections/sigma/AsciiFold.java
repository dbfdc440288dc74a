package dev.vigil.detections.sigma;

/**
 * Case-insensitive equals / startswith / endswith decided on a text as it is, folding its ASCII letters while
 * comparing, instead of lower-casing the whole text first: a rule's {@code Image|endswith: '\lsass.exe'} then
 * reads nine characters of the path, not all of them twice. The answer is exactly that of comparing the text
 * lower-cased with {@link java.util.Locale#ROOT}, as every case-insensitive test is defined, or
 * {@link #UNDECIDED}: then the caller compares the lower-cased text.
 *
 * <p>Why it is exact, for a literal that is ASCII and lower-case. {@code Locale.ROOT} lower-casing maps every
 * ASCII character to its ASCII lower case wherever it stands (only the non-ASCII {@code Σ} depends on its
 * neighbours), and changes the length only by expanding {@code İ} (U+0130) into {@code i} and U+0307. So the
 * lower-cased text starts with the folded first characters of the text as long as those are ASCII, and ends with
 * its folded last ones: comparing from the anchored end, the first non-ASCII character makes the comparison
 * {@link #UNDECIDED} (it may lower-case to ASCII: KELVIN SIGN becomes {@code k}), and a mismatch before it is a
 * definite no. A text of another length than the literal cannot equal it, and a shorter one cannot start or end
 * with it: lower-casing only lengthens a text by expansions, and then any run of the literal's length in it holds
 * a U+0307, which is not ASCII.
 */
final class AsciiFold {

    static final int NO = 0;
    static final int YES = 1;
    static final int UNDECIDED = -1;

    private AsciiFold() {}

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} lower-cased equals {@code literal} (ASCII, lower-case). */
    static int equals(String text, String literal) {
        return text.length() != literal.length() ? NO : forward(text, literal);
    }

    /** Whether {@code text} lower-cased starts with {@code literal} (ASCII, lower-case). */
    static int startsWith(String text, String literal) {
        return text.length() < literal.length() ? NO : forward(text, literal);
    }

    /** Whether {@code text} lower-cased ends with {@code literal} (ASCII, lower-case). */
    static int endsWith(String text, String literal) {
        int offset = text.length() - literal.length();
        if (offset < 0) {
            return NO;
        }
        for (int i = literal.length() - 1; i >= 0; i--) {
            int c = fold(text.charAt(offset + i));
            if (c < 0) {
                return UNDECIDED;
            }
            if (c != literal.charAt(i)) {
                return NO;
            }
        }
        return YES;
    }

    private static int forward(String text, String literal) {
        for (int i = 0; i < literal.length(); i++) {
            int c = fold(text.charAt(i));
            if (c < 0) {
                return UNDECIDED;
            }
            if (c != literal.charAt(i)) {
                return NO;
            }
        }
        return YES;
    }

    /** The lower case of an ASCII character; -1 for any other. */
    private static int fold(char c) {
        if (c >= 128) {
            return -1;
        }
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
