package dev.vigil.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** A Spot fleet losing TaskManagers: five are killed mid-stream, one after another, each replaced at once. */
class TaskManagerLossITCase extends FaultInjectionContract {

    static final int KILLS = 5;

    @Override
    ChaosPlan plan() {
        return new ChaosPlan(KILLS, 0, 0, Duration.ofSeconds(2), Duration.ZERO);
    }

    @Override
    void assertTheJobFeltIt(ChaosReport report) {
        assertThat(report.restoredCheckpoints()).as("restores from a checkpoint").isGreaterThanOrEqualTo(KILLS);
    }
}
