package dev.vigil.local.chaos;

import java.time.Duration;

/**
 * The S3 endpoint (checkpoints and the Parquet archive) goes away mid-stream for several checkpoint intervals
 * and comes back with its data: nothing lost or duplicated in Kafka or in the archive.
 *
 * <p>Seen: the S3 client retries the checkpoint's uploads through the outage, so the checkpoint in flight
 * completes once S3 is back (taking longer than the outage) instead of failing. An outage longer than the
 * checkpoint timeout would fail checkpoints instead, and past the tolerated count restart the job.
 */
class S3OutageITCase extends FaultInjectionContract {

    static final Duration OUTAGE = Duration.ofSeconds(8);

    @Override
    ChaosPlan plan() {
        return new ChaosPlan(0, 0, 1, Duration.ofSeconds(4), OUTAGE);
    }

    @Override
    void assertTheJobFeltIt(ChaosReport report) {
        assertTheOutageReachedTheJob(report, OUTAGE);
    }
}
