package dev.vigil.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.flink.MiniClusters;
import dev.vigil.testing.flink.ShippedFlinkConf;
import dev.vigil.testing.kafka.KafkaExtension;
import dev.vigil.testing.s3.S3Extension;
import java.time.Duration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fault injected while input flows at a steady rate (~300 events/s), on the shipped configuration: every
 * event must come out exactly once (enriched topic read_committed, and committed Parquet), and the alerts must
 * be exactly those of a fault-free run, by id. The burst alerts span many checkpoints, so their counts must
 * have been restored, not rebuilt. Each subclass injects one kind of fault ({@link ChaosRun} does the work,
 * as for {@code ./vigil chaos}).
 */
abstract class FaultInjectionContract {

    // Fault tests always run on the in-JVM servers: only those can be stopped and restarted at will.
    @RegisterExtension
    static final KafkaExtension KAFKA = KafkaExtension.embedded();

    @RegisterExtension
    static final S3Extension S3 = S3Extension.embedded();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.extension();

    abstract ChaosPlan plan();

    /** What Flink must report for this kind of fault, so a fault that never reached the job cannot pass. */
    abstract void assertTheJobFeltIt(ChaosReport report);

    @Test
    void everyEventExactlyOnceAndTheFaultFreeAlerts(@InjectMiniCluster MiniCluster cluster) throws Exception {
        ChaosRun run = new ChaosRun(cluster, KAFKA.embeddedBroker().orElseThrow(), S3.embeddedS3().orElseThrow(),
                S3Extension.BUCKET, ShippedFlinkConf.load(), ChaosRun.Settings.of(plan()), System.out);

        ChaosReport report = run.run();
        System.out.println(report.alertLine());
        System.out.println(report.line());

        assertThat(report.problem()).isNull();
        assertThat(report.events()).as("events acknowledged by the broker").isGreaterThan(3_000);
        assertThat(report.lost()).as("events lost").isZero();
        assertThat(report.duplicated()).as("events duplicated").isZero();
        assertThat(report.unexpected()).as("output events no input had").isZero();
        assertThat(report.alertsExpected()).as("alerts of a fault-free run").isGreaterThan(30);
        assertThat(report.alertsMissing()).as("alerts missing").isZero();
        assertThat(report.alertsDuplicated()).as("alerts duplicated").isZero();
        assertThat(report.alertsUnexpected()).as("alerts a fault-free run does not raise").isZero();
        assertThat(report.recoveries()).hasSize(plan().faults())
                .allSatisfy(r -> assertThat(r.recoveryMillis()).as("recovery of %s", r).isNotNegative());
        assertTheJobFeltIt(report);
    }

    /**
     * An outage reached the job if a checkpoint waited it out (clients retry through a short outage, so the
     * checkpoint in flight completes late), failed, or the job restored from a checkpoint.
     */
    static void assertTheOutageReachedTheJob(ChaosReport report, Duration outage) {
        assertThat(report.longestCheckpointMillis() >= outage.toMillis() || report.failedCheckpoints() > 0
                || report.restoredCheckpoints() > 0)
                .as("a checkpoint outlasted the %d ms outage (longest %d ms), failed (%d) or was restored (%d)",
                        outage.toMillis(), report.longestCheckpointMillis(), report.failedCheckpoints(),
                        report.restoredCheckpoints())
                .isTrue();
    }
}
