package dev.vigil.detections.samples;

/**
 * A detection folder or samples file that cannot be run as written. The message starts with the
 * file, so a typo in one of many folders is found at once.
 */
public final class SamplesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SamplesException(String message) {
        super(message);
    }

    public SamplesException(String message, Throwable cause) {
        super(message, cause);
    }
}
