package dev.vigil.local.demo;

import dev.vigil.schema.DeadLetterReason;
import java.util.Map;

/**
 * What a demo run produced and read back.
 *
 * @param events          valid telemetry events produced (acknowledged by the broker)
 * @param malformed       malformed records produced
 * @param enriched        committed enriched events read back
 * @param alerts          committed alerts read back
 * @param deadLetters     committed dead letters read back
 * @param deadLetterReasons committed dead letters per reason
 * @param parquetFiles    committed .parquet objects under s3://vigil/archive/
 * @param expectedStoryAlerts alerts the completed attack stories should have raised
 * @param matchedStoryAlerts  of those, how many were raised
 * @param jobFailure      why the job failed, or null
 */
public record DemoSummary(long events, long malformed, long enriched, long alerts, long deadLetters,
                          Map<DeadLetterReason, Long> deadLetterReasons, long parquetFiles, int expectedStoryAlerts,
                          int matchedStoryAlerts, String jobFailure) {

    /** The one final line: {@code SUMMARY events=<n> alerts=<n> dead_letters=<n> parquet_files=<n>}. */
    public String line() {
        return "SUMMARY events=" + events + " alerts=" + alerts + " dead_letters=" + deadLetters
                + " parquet_files=" + parquetFiles;
    }

    public boolean succeeded() {
        return jobFailure == null;
    }
}
