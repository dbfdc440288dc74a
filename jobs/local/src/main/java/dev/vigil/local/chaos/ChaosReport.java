package dev.vigil.local.chaos;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a chaos run, compared by id against what the input's fault-free run would give.
 *
 * @param events          valid events acknowledged by the broker (all must come out)
 * @param lost            of those, missing from the enriched topic (read_committed) or from committed Parquet
 * @param duplicated      extra copies in the enriched topic plus extra copies in committed Parquet
 * @param unexpected      output event ids no input had
 * @param alertsExpected  alerts a fault-free run raises
 * @param alertsMissing   expected alerts not committed
 * @param alertsDuplicated extra copies of committed alerts
 * @param alertsUnexpected committed alerts a fault-free run would not raise (e.g. a count rebuilt from scratch)
 * @param recoveries      every fault with its measured recovery
 * @param restoredCheckpoints times the job restored from a checkpoint, per Flink
 * @param failedCheckpoints   checkpoints that failed, per Flink
 * @param longestCheckpointMillis the slowest completed checkpoint, end to end, per Flink
 * @param problem         why the run could not be judged (null when it could)
 */
public record ChaosReport(long events, long lost, long duplicated, long unexpected, long alertsExpected,
                          long alertsMissing, long alertsDuplicated, long alertsUnexpected, List<Recovery> recoveries,
                          long restoredCheckpoints, long failedCheckpoints, long longestCheckpointMillis,
                          String problem) {

    /**
     * One injected fault.
     *
     * @param recoveryMillis from the kill (or from the broker / S3 being back) to the first committed output
     *                       written after it; -1 when none came within the timeout
     * @param outageMillis   how long the broker or S3 was away (0 for a kill)
     */
    public record Recovery(Fault fault, long recoveryMillis, long outageMillis) {}

    public long count(Fault fault) {
        return recoveries.stream().filter(r -> r.fault() == fault).count();
    }

    /** The slowest recovery from a TaskManager kill (-1 when a kill never recovered; 0 without kills). */
    public long maxKillRecoveryMillis() {
        return maxRecoveryMillis(Fault.TASK_MANAGER_KILL);
    }

    public long maxRecoveryMillis(Fault fault) {
        long max = 0;
        for (Recovery r : recoveries) {
            if (r.fault() == fault) {
                if (r.recoveryMillis() < 0) {
                    return -1;
                }
                max = Math.max(max, r.recoveryMillis());
            }
        }
        return max;
    }

    public boolean everyFaultRecovered() {
        return recoveries.stream().allMatch(r -> r.recoveryMillis() >= 0);
    }

    /** Nothing lost, duplicated or invented, in events or alerts, and every fault recovered. */
    public boolean clean() {
        return problem == null && lost == 0 && duplicated == 0 && unexpected == 0 && alertsMissing == 0
                && alertsDuplicated == 0 && alertsUnexpected == 0 && everyFaultRecovered();
    }

    /** {@code ALERTS expected=<n> missing=<n> duplicated=<n> unexpected=<n>} */
    public String alertLine() {
        return String.format(Locale.ROOT, "ALERTS expected=%d missing=%d duplicated=%d unexpected=%d", alertsExpected,
                alertsMissing, alertsDuplicated, alertsUnexpected);
    }

    /** The closing line: {@code CHAOS kills=<n> broker_restarts=<n> s3_outages=<n> events=<n> lost=<n> duplicated=<n> max_recovery_ms=<n>} */
    public String line() {
        return String.format(Locale.ROOT, "CHAOS kills=%d broker_restarts=%d s3_outages=%d events=%d lost=%d duplicated=%d max_recovery_ms=%d",
                count(Fault.TASK_MANAGER_KILL), count(Fault.BROKER_RESTART), count(Fault.S3_OUTAGE), events, lost, duplicated,
                maxKillRecoveryMillis());
    }
}
