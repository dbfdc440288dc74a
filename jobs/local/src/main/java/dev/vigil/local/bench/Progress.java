package dev.vigil.local.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Watches a count grow to a target and measures the steady-state rate: the events between the moments the
 * count passed 10 % and 90 % of the target, over the time between them. Start-up (job submission, source
 * split assignment) and the tail (the last checkpoint) are outside that window.
 */
final class Progress {

    private Progress() {}

    /** The steady-state events/s and the seconds from the first counted event to the target. */
    record Rate(double eventsPerSecond, double seconds) {}

    /**
     * Polls {@code count} until it reaches {@code target}. When the backlog is too small for two polls inside the window
     * (a smoke run), the rate is taken over the time since {@code startNanos} (the job's submission) instead.
     */
    static Rate await(LongSupplier count, long target, Duration timeout, Duration poll, long startNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long low = target / 10;
        long high = target - target / 10;
        long tFirst = -1;
        long tLow = -1;
        long cLow = 0;
        long tHigh = -1;
        long cHigh = 0;
        while (true) {
            long now = System.nanoTime();
            long c = count.getAsLong();
            if (c > 0 && tFirst < 0) tFirst = now;
            if (c >= low && tLow < 0) {
                tLow = now;
                cLow = c;
            }
            if (c >= high && tHigh < 0) {
                tHigh = now;
                cHigh = c;
            }
            if (c >= target) {
                double eps = tHigh > tLow && cHigh > cLow ? (cHigh - cLow) / ((tHigh - tLow) / 1e9) : c / ((now - startNanos) / 1e9);
                return new Rate(eps, (now - tFirst) / 1e9);
            }
            if (now > deadline) {
                throw new IllegalStateException("only " + c + " of " + target + " events after " + timeout);
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
