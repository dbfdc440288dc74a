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

    PreparedEvent() {
        allocate(64);
    }

    PreparedEvent reset(EventFields next) {
        event = next;
        size = 0;
        if (++generation == 0) { // wrapped after 2^32 events: stale stamps could look current
            java.util.Arrays.fill(stamps, 0);
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

    /** {@link ValueTest#text} of the field's (scalar) value, {@code value} being what {@link #get} returned. */
    String text(String field, Object value) {
        int slot = slot(field);
        String t = texts[slot];
        if (t == null) {
            t = value instanceof String s ? s : ValueTest.text(value);
            texts[slot] = t;
        }
        return t;
    }

    /** The field's text lower-cased as case-insensitive globs compare it ({@link Locale#ROOT}). */
    String lowerText(String field, Object value) {
        int slot = slot(field);
        String l = lowers[slot];
        if (l == null) {
            l = text(field, value).toLowerCase(Locale.ROOT);
            lowers[slot] = l;
        }
        return l;
    }

    /** The slot of {@code field} for this event, looking the field up on first use. */
    private int slot(String field) {
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
