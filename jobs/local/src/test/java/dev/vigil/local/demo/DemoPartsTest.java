package dev.vigil.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.Ports;
import dev.vigil.local.VigilCli;
import dev.vigil.local.WorkDir;
import dev.vigil.schema.Alert;
import dev.vigil.schema.DetectionRef;
import dev.vigil.schema.Entity;
import dev.vigil.schema.Severity;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoPartsTest {

    @Test
    void alertLineHasTimeTenantSeverityTitleEntityAuthor() {
        Alert a = Alert.newBuilder()
                .setAlertId("a1").setTenantId("acme")
                .setDetection(new DetectionRef("d", 1, "Burst of failed logons", Severity.MEDIUM, List.of(), "Vigil", List.of(), "java"))
                .setEntity(new Entity("user", "acme\\jdoe"))
                .setFirstSeen(Instant.parse("2026-01-01T09:00:00Z")).setLastSeen(Instant.parse("2026-01-01T09:00:05Z"))
                .setEventIds(List.of("e1")).build();
        assertThat(AlertFormat.line(a)).startsWith("ALERT 2026-01-01 09:00:05Z").contains("acme", "MEDIUM",
                "Burst of failed logons", "user=acme\\jdoe", "by Vigil");
    }

    @Test
    void portInUseFailsWithAClearMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> Ports.requireFree(Map.of("Kafka", taken.getLocalPort())))
                    .isInstanceOf(Ports.PortInUseException.class)
                    .hasMessageContaining(taken.getLocalPort() + " (Kafka)").hasMessageContaining("already in use");
        }
    }

    @Test
    void workDirIsWipedOnlyWhenAVigilCommandMadeIt(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("demo");
        WorkDir.prepare(dir, "demo");
        Files.writeString(dir.resolve("old"), "x");
        WorkDir.prepare(dir, "demo");
        assertThat(dir.resolve("old")).doesNotExist();
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("precious"), "x");
        assertThatThrownBy(() -> WorkDir.prepare(foreign, "demo")).hasMessageContaining("Refusing to wipe");
        assertThat(foreign.resolve("precious")).exists();
    }

    @Test
    void demoOptionsParse() {
        CommandLine cl = VigilCli.commandLine();
        CommandLine.ParseResult r = cl.parseArgs("demo", "--duration", "30", "--tenants", "a,b,c", "--rate", "50");
        DemoCommand demo = (DemoCommand) r.subcommand().commandSpec().userObject();
        assertThat(demo.durationSeconds).isEqualTo(30);
        assertThat(demo.tenants).containsExactly("a", "b", "c");
        assertThat(demo.rate).isEqualTo(50);
        assertThat(cl.getSubcommands()).containsKeys("demo", "chaos", "help");
    }
}
