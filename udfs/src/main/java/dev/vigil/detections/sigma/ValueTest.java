package dev.vigil.detections.sigma;

/** One compiled Sigma value, tested against one field value (never a list, never null). */
@FunctionalInterface
interface ValueTest {

    boolean test(Object fieldValue, EventFields event);

    static String text(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }
}
