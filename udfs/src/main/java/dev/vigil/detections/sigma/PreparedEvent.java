package dev.vigil.detections.sigma;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * One event as {@link SigmaRuleSet} hands it to rules: each field is looked up once, and its text and
 * lower-cased text are computed once, however many rules test it. Without this every case-insensitive test
 * lower-cased the value again (hundreds of times per event with hundreds of rules).
 *
 * <p>Reused across events ({@link #reset}); a small open-addressing table keyed by field name, stamped with
 * an event generation so a reset clears nothing. Not thread-safe.
 */
final class PreparedEvent implements EventFields {

    private static final Object ABSENT = new Object();

    private EventFields event;
    private int generation;
    private int size;
    private int mask;
    private int[] stamps;
    private String[] names;
    private Object[] values;
    private String[] texts;
    private String[] lowers;

    /** Answers of tests shared by several rules ({@link SharedTests}), valid where stamped with this generation. */
    private int[] rememberedStamps = new int[0];
    private boolean[] remembered = new boolean[0];

    PreparedEvent() {
        allocate(64);
    }

    /** Room for the answers of {@code tests} shared tests. */
    PreparedEvent rememberingUpTo(int tests) {
        rememberedStamps = new int[tests];
        remembered = new boolean[tests];
        return this;
    }

    PreparedEvent reset(EventFields next) {
        event = next;
        size = 0;
        if (++generation == 0) { // wrapped after 2^32 events: stale stamps could look current
            java.util.Arrays.fill(stamps, 0);
            java.util.Arrays.fill(rememberedStamps, 0);
            generation = 1;
        }
        return this;
    }

    @Override
    public Object get(String field) {
        int slot = slot(field);
        Object v = values[slot];
        return v == ABSENT ? null : v;
    }

    @Override
    public boolean anyValue(Predicate<String> test) {
        return event.anyValue(test);
    }

    /**
     * The answer of shared test number {@code test} for this event: computed by {@code test} on first use, then
     * remembered until the next {@link #reset}.
     */
    boolean remembered(int test, EventPredicate compute) {
        if (rememberedStamps[test] == generation) {
            return remembered[test];
        }
        boolean answer = compute.test(this);
        rememberedStamps[test] = generation;
        remembered[test] = answer;
        return answer;
    }

    /** The field's value at {@code slot} (from {@link #slot}), or null. */
    Object valueAt(int slot) {
        Object v = values[slot];
        return v == ABSENT ? null : v;
    }

    /** {@link ValueTest#text} of the (scalar) value at {@code slot}. */
    String textAt(int slot) {
        String t = texts[slot];
        if (t == null) {
            Object value = values[slot];
            t = value instanceof String s ? s : ValueTest.text(value);
            texts[slot] = t;
        }
        return t;
    }

    /** The text at {@code slot} lower-cased as case-insensitive globs compare it ({@link Locale#ROOT}). */
    String lowerTextAt(int slot) {
        String l = lowers[slot];
        if (l == null) {
            l = textAt(slot).toLowerCase(Locale.ROOT);
            lowers[slot] = l;
        }
        return l;
    }

    /**
     * The slot of {@code field} for this event, looking the field up on first use. Valid until another field is
     * looked up (which may grow the table).
     */
    int slot(String field) {
        int i = spread(field.hashCode()) & mask;
        while (stamps[i] == generation) {
            String n = names[i];
            if (n == field || n.equals(field)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        if (size + 1 > (mask + 1) * 3 / 4) {
            grow();
            return slot(field);
        }
        Object v = event.get(field);
        stamps[i] = generation;
        names[i] = field;
        values[i] = v == null ? ABSENT : v;
        texts[i] = null;
        lowers[i] = null;
        size++;
        return i;
    }

    private void grow() {
        int[] oldStamps = stamps;
        String[] oldNames = names;
        Object[] oldValues = values;
        String[] oldTexts = texts;
        String[] oldLowers = lowers;
        allocate(oldStamps.length * 2);
        for (int j = 0; j < oldStamps.length; j++) {
            if (oldStamps[j] == generation) {
                int i = spread(oldNames[j].hashCode()) & mask;
                while (stamps[i] == generation) {
                    i = (i + 1) & mask;
                }
                stamps[i] = generation;
                names[i] = oldNames[j];
                values[i] = oldValues[j];
                texts[i] = oldTexts[j];
                lowers[i] = oldLowers[j];
            }
        }
    }

    private void allocate(int capacity) {
        mask = capacity - 1;
        stamps = new int[capacity];
        names = new String[capacity];
        values = new Object[capacity];
        texts = new String[capacity];
        lowers = new String[capacity];
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
