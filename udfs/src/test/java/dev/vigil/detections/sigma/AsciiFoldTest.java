package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Folding while comparing answers as comparing the text lower-cased with Locale.ROOT does, or leaves it undecided. */
class AsciiFoldTest {

    /** ASCII pieces of literals, and what makes lower-casing differ from folding: İ, Σ, Kelvin K, a surrogate pair. */
    private static final String[] PIECES = {"a", "b", "A", "B", "i", "I", "k", "K", "\\", ".exe", "İ", "Σ", "\u212A",
        "\u0307", "\uD801\uDC00", "é", "É", "ß"};

    private static String text(Random r, int maxPieces) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(maxPieces + 1); i > 0; i--) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    @Test
    void decidesExactlyAsTheLowerCasedTextAndOnlyLeavesNonAsciiUndecided() {
        Random r = new Random(7);
        int decided = 0;
        for (int round = 0; round < 200_000; round++) {
            String literal = text(r, 3).toLowerCase(Locale.ROOT);
            if (!AsciiFold.isAscii(literal)) {
                continue; // only ASCII literals are folded
            }
            // texts near the literal: it, its upper case, with pieces around, or random
            String text = switch (r.nextInt(4)) {
                case 0 -> literal.toUpperCase(Locale.ROOT);
                case 1 -> text(r, 2) + literal + text(r, 2);
                case 2 -> text(r, 2) + literal.toUpperCase(Locale.ROOT).replace('K', '\u212A');
                default -> text(r, 5);
            };
            String lower = text.toLowerCase(Locale.ROOT);
            check(AsciiFold.equals(text, literal), lower.equals(literal), text, literal, "equals");
            check(AsciiFold.startsWith(text, literal), lower.startsWith(literal), text, literal, "startswith");
            check(AsciiFold.endsWith(text, literal), lower.endsWith(literal), text, literal, "endswith");
            decided += AsciiFold.equals(text, literal) != AsciiFold.UNDECIDED ? 1 : 0;
        }
        assertThat(decided).as("most comparisons are decided without lower-casing").isGreaterThan(100_000);
    }

    private static void check(int folded, boolean expected, String text, String literal, String what) {
        if (folded == AsciiFold.UNDECIDED) {
            assertThat(AsciiFold.isAscii(text)).as("'%s' %s '%s' left undecided", text, what, literal).isFalse();
        } else {
            assertThat(folded == AsciiFold.YES).as("'%s' %s '%s'", text, what, literal).isEqualTo(expected);
        }
    }

    @Test
    void theCasesLowerCasingChanges() {
        // İ lower-cases to "i" + U+0307: the text is longer lower-cased, and "İ" does not equal "i"
        assertThat(AsciiFold.equals("İ", "i")).isEqualTo(AsciiFold.UNDECIDED);
        assertThat(AsciiFold.startsWith("İ", "i")).isEqualTo(AsciiFold.UNDECIDED);
        assertThat("İ".toLowerCase(Locale.ROOT).startsWith("i")).isTrue();
        // Kelvin sign lower-cases to ASCII k
        assertThat(AsciiFold.endsWith("\\\u212A.EXE", "k.exe")).isEqualTo(AsciiFold.UNDECIDED);
        // decided on ASCII alone, whatever is elsewhere in the text
        assertThat(AsciiFold.endsWith("C:\\İΣ\\LSASS.EXE", "\\lsass.exe")).isEqualTo(AsciiFold.YES);
        assertThat(AsciiFold.startsWith("C:\\Windows\\İ", "c:\\windows\\")).isEqualTo(AsciiFold.YES);
        assertThat(AsciiFold.equals("CMD.EXE", "cmd.exe")).isEqualTo(AsciiFold.YES);
        assertThat(AsciiFold.equals("cmd.exe ", "cmd.exe")).isEqualTo(AsciiFold.NO);
        assertThat(AsciiFold.endsWith("xe", "exe")).isEqualTo(AsciiFold.NO);
    }
}
