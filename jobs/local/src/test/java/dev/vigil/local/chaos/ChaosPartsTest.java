package dev.vigil.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.VigilCli;
import dev.vigil.local.chaos.ChaosReport.Recovery;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChaosPartsTest {

    static final Duration S = Duration.ofSeconds(1);

    @Test
    void outagesAreSpreadAmongTheKills() {
        List<Fault> order = new ChaosPlan(20, 2, 2, S, S).schedule();
        assertThat(order).hasSize(24);
        assertThat(Collections.frequency(order, Fault.TASK_MANAGER_KILL)).isEqualTo(20);
        int firstBroker = order.indexOf(Fault.BROKER_RESTART);
        int lastBroker = order.lastIndexOf(Fault.BROKER_RESTART);
        int firstS3 = order.indexOf(Fault.S3_OUTAGE);
        int lastS3 = order.lastIndexOf(Fault.S3_OUTAGE);
        assertThat(firstBroker).isBetween(4, 8);
        assertThat(lastBroker).isBetween(16, 20);
        assertThat(firstS3).isBetween(4, 8);
        assertThat(lastS3).isBetween(16, 20);
        assertThat(order.get(0)).isEqualTo(Fault.TASK_MANAGER_KILL);
        assertThat(new ChaosPlan(0, 1, 0, S, S).schedule()).containsExactly(Fault.BROKER_RESTART);
    }

    @Test
    void aPlanNeedsAFault() {
        assertThatThrownBy(() -> new ChaosPlan(0, 0, 0, S, S)).hasMessageContaining("at least one fault");
        assertThatThrownBy(() -> new ChaosPlan(-1, 1, 0, S, S)).hasMessageContaining("negative");
    }

    @Test
    void tallyCountsMissingDuplicatedAndUnexpectedIds() {
        ChaosRun.Tally t = ChaosRun.Tally.of(List.of("a", "b", "b", "b", "x"), Set.of("a", "b", "c"));
        assertThat(t.missing()).containsExactly("c");
        assertThat(t.duplicated()).isEqualTo(2);
        assertThat(t.unexpected()).isEqualTo(1);
    }

    @Test
    void closingLineHasTheAgreedFormatAndTheSlowestKill() {
        ChaosReport r = new ChaosReport(1000, 0, 0, 0, 10, 0, 0, 0, List.of(
                new Recovery(Fault.TASK_MANAGER_KILL, 2100, 0), new Recovery(Fault.TASK_MANAGER_KILL, 3400, 0),
                new Recovery(Fault.BROKER_RESTART, 9000, 8000), new Recovery(Fault.S3_OUTAGE, 1700, 8000)), 2, 1, 9800, null);
        assertThat(r.line()).isEqualTo(
                "CHAOS kills=2 broker_restarts=1 s3_outages=1 events=1000 lost=0 duplicated=0 max_recovery_ms=3400");
        assertThat(r.clean()).isTrue();
        assertThat(r.maxRecoveryMillis(Fault.BROKER_RESTART)).isEqualTo(9000);
    }

    @Test
    void anUnrecoveredFaultOrAWrongAlertIsNotClean() {
        List<Recovery> never = List.of(new Recovery(Fault.TASK_MANAGER_KILL, -1, 0));
        assertThat(new ChaosReport(1, 0, 0, 0, 0, 0, 0, 0, never, 0, 0, 0, null).clean()).isFalse();
        assertThat(new ChaosReport(1, 0, 0, 0, 0, 0, 0, 0, never, 0, 0, 0, null).maxKillRecoveryMillis()).isEqualTo(-1);
        List<Recovery> fine = List.of(new Recovery(Fault.TASK_MANAGER_KILL, 10, 0));
        assertThat(new ChaosReport(1, 0, 0, 0, 5, 0, 0, 1, fine, 0, 0, 0, null).clean()).as("an alert a fault-free run lacks").isFalse();
        assertThat(new ChaosReport(1, 0, 0, 0, 5, 1, 0, 0, fine, 0, 0, 0, null).clean()).as("a missing alert").isFalse();
    }

    @Test
    void chaosOptionsParse() {
        CommandLine.ParseResult r = VigilCli.commandLine().parseArgs("chaos", "--kills", "7", "--s3-outages", "0", "--outage", "5000");
        ChaosCommand chaos = (ChaosCommand) r.subcommand().commandSpec().userObject();
        assertThat(chaos.kills).isEqualTo(7);
        assertThat(chaos.s3Outages).isZero();
        assertThat(chaos.brokerRestarts).isEqualTo(2);
        assertThat(chaos.outageMillis).isEqualTo(5000);
    }
}
