package dev.vigil.local.chaos;

import java.time.Duration;

/**
 * The Kafka broker goes away mid-stream for several checkpoint intervals and comes back on the same port with
 * the same log directory: open transactions are aborted or committed by the job, nothing lost or duplicated.
 */
class BrokerOutageITCase extends FaultInjectionContract {

    static final Duration OUTAGE = Duration.ofSeconds(8);

    @Override
    ChaosPlan plan() {
        return new ChaosPlan(0, 1, 0, Duration.ofSeconds(4), OUTAGE);
    }

    @Override
    void assertTheJobFeltIt(ChaosReport report) {
        assertTheOutageReachedTheJob(report, OUTAGE);
    }
}
