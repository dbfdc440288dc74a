package dev.vigil.detections.sigma;

/**
 * A rule the compiler will not run: it uses a construct Vigil does not evaluate, or is malformed. Rules are
 * rejected whole, at load time, so nothing is ever evaluated with a semantics the author did not write.
 */
public final class RuleRejectedException extends Exception {

    private final String construct;

    public RuleRejectedException(String construct, String message) {
        super(construct + ": " + message);
        this.construct = construct;
    }

    /** The construct that caused the rejection, e.g. {@code "modifier |near"} or {@code "aggregation"}. */
    public String construct() {
        return construct;
    }
}
