package dev.vigil.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.Ports;
import dev.vigil.local.Shutdown;
import dev.vigil.testing.flink.FlinkS3;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code vigil demo} programmatically for 30 s on free ports (so it never collides with a running demo)
 * and checks that every count of the SUMMARY line is positive.
 */
class DemoITCase {

    @BeforeAll
    static void pluginsDir() {
        if (System.getProperty(FlinkS3.PLUGINS_DIR_PROPERTY) == null) {
            System.setProperty(FlinkS3.PLUGINS_DIR_PROPERTY, Paths.get("target/plugins").toAbsolutePath().toString());
        }
    }

    @Test
    @Timeout(300)
    void demoProducesEventsAlertsDeadLettersAndParquetFiles() throws Exception {
        Path root = Paths.get(System.getProperty("vigil.project.root", "../..")).toAbsolutePath().normalize();
        DemoSettings settings = DemoSettings.defaults()
                .withDuration(Duration.ofSeconds(30))
                .withPorts(Ports.free(), Ports.free(), Ports.free(), Ports.free())
                .withWorkDir(Paths.get("target/demo-itcase").toAbsolutePath());
        settings = new DemoSettings(settings.duration(), settings.tenants(), settings.eventsPerSecond(),
                settings.storiesPerThousand(), settings.malformedPerThousand(), settings.seed(), settings.kafkaPort(),
                settings.kafkaControllerPort(), settings.s3Port(), settings.webPort(), settings.workDir(),
                root.resolve("flink-conf"), settings.parallelism(), settings.checkpointInterval(),
                settings.statusInterval(), settings.settleTimeout(), true, settings.archivePath(),
                settings.malformedReasons());

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(captured, System.out), true, StandardCharsets.UTF_8);
        DemoSummary summary;
        try (Shutdown stop = Shutdown.manual()) {
            summary = new Demo(settings, out).run(stop);
        }

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).last().asString()
                .matches("SUMMARY events=\\d+ alerts=\\d+ dead_letters=\\d+ parquet_files=\\d+")
                .isEqualTo(summary.line());
        assertThat(lines.stream().filter(l -> l.startsWith("SUMMARY"))).hasSize(1);
        assertThat(summary.jobFailure()).isNull();
        assertThat(summary.events()).isPositive();
        assertThat(summary.alerts()).isPositive();
        assertThat(summary.deadLetters()).isPositive();
        assertThat(summary.parquetFiles()).isPositive();
        // Every alert printed as it was committed.
        assertThat(lines.stream().filter(l -> l.startsWith("ALERT "))).hasSize((int) summary.alerts());
        // Recorded attacks (the bundled detections' samples, SigmaHQ regression events among them) went in as
        // third-party Windows JSON, and a SigmaHQ rule's alert came out with the rule's author on it.
        assertThat(lines).anyMatch(l -> l.startsWith("Replaying a recorded attack") && l.contains("sigma-"));
        assertThat(lines).anyMatch(l -> l.startsWith("ALERT ") && l.contains("Nextron Systems"));
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
