package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A glob as a field test keeps it ({@link Glob#compact}) answers exactly as the glob it was made from. */
class GlobTest {

    private static final String[] PIECES = {"a", "B", "c", "\\", ".exe", "-", "/", "*", "?", "\\*", "İ", "é", "K"};

    private static String piece(Random r, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    @Test
    void aCompactGlobMatchesDecidesAndKeysAsTheOriginal() {
        Random r = new Random(11);
        int plain = 0;
        for (int round = 0; round < 20_000; round++) {
            Glob parsed = Glob.parse(piece(r, 3), r.nextInt(5) == 0);
            Glob g = switch (r.nextInt(5)) {
                case 0 -> parsed.contains();
                case 1 -> parsed.startsWith();
                case 2 -> parsed.endsWith();
                case 3 -> parsed.contains().windash();
                default -> parsed;
            };
            Glob compact = g.compact();
            plain += compact != g ? 1 : 0;
            assertThat(compact.key()).isEqualTo(g.key());
            assertThat(compact.shape()).isEqualTo(g.shape());
            assertThat(compact.literal()).isEqualTo(g.literal());
            assertThat(compact.alternatives(8)).isEqualTo(g.alternatives(8));
            assertThat(compact.longestLiteralRun()).isEqualTo(g.longestLiteralRun());
            for (int t = 0; t < 10; t++) {
                String text = r.nextBoolean() ? piece(r, 6) : piece(r, 2) + g.toString().replace("*", "") + piece(r, 2);
                assertThat(compact.matches(text)).as("%s on '%s'", g, text).isEqualTo(g.matches(text));
                assertThat(compact.matchesFolded(text)).isEqualTo(g.matchesFolded(text));
            }
        }
        assertThat(plain).as("most generated globs are plain shapes, which compact").isGreaterThan(5_000);
    }

    @Test
    void onlyPlainShapesDropTheirTokensAndACompactGlobIsNotCompiledFurther() {
        Glob wildcard = Glob.parse("a*b?c", false);
        assertThat(wildcard.compact()).isSameAs(wildcard);
        Glob plain = Glob.parse("\\cmd.exe", false).endsWith();
        Glob compact = plain.compact();
        assertThat(compact).isNotSameAs(plain);
        assertThat(compact.compact()).isSameAs(compact);
        assertThat(compact).hasToString("*\\cmd.exe");
        assertThatThrownBy(compact::contains).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(compact::windash).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(compact::plainText).isInstanceOf(IllegalStateException.class);
    }
}
