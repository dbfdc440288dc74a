package dev.vigil.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.local.VigilCli;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness works end to end ({@code ./vigil bench --quick}: a few thousand events through the raw
 * consumer, Flink decoding and the full pipeline). It measures nothing worth keeping: benchmarks are run with
 * {@code ./vigil bench}, never inside {@code mvn verify}.
 */
class BenchSmokeITCase {

    @Test
    void aQuickRunMeasuresEveryPartAndWritesItsResults(@TempDir Path out) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = VigilCli.commandLine().execute("bench", "--quick", "--profile", "--out", out.toString());
        } finally {
            System.setOut(previous);
        }
        String console = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(console).isZero();
        String last = console.strip().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).matches("BENCH raw_eps=\\d+ pipeline_eps=\\d+ ratio=\\d+\\.\\d\\d rules=10 ratio_1000_vs_10=\\S+ p99_alert_ms=-?\\d+");

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("events").asLong()).isEqualTo(5_000);
        assertThat(results.get("rawEps").asDouble()).isPositive();
        assertThat(results.get("pipelineEps").asDouble()).isPositive();
        assertThat(results.get("ratio").asDouble()).isEqualTo(results.get("pipelineEps").asDouble() / results.get("rawEps").asDouble());
        assertThat(results.get("measurements")).extracting(m -> m.get("name").asText()).containsExactly("raw", "decode", "pipeline");
        results.get("measurements").forEach(m -> m.get("runs").forEach(r -> {
            assertThat(r.get("eps").asDouble()).as(m.get("name").asText()).isPositive();
            assertThat(r.get("otherCpuSeconds").asDouble()).as(m.get("name").asText() + " CPU").isPositive();
        }));
        assertThat(results.get("peakHeapBytes").asLong()).isPositive();
        assertThat(Files.readString(out.resolve("results.md"))).contains("| pipeline |").contains(last);
        JsonNode profile = results.get("profile");
        assertThat(profile.get("samples").asInt()).isPositive();
        double shares = 0;
        for (var part : (Iterable<java.util.Map.Entry<String, JsonNode>>) profile::fields) {
            if (!part.getKey().equals("samples")) shares += part.getValue().asDouble();
        }
        assertThat(shares).as("every sample falls in one part").isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(out.resolve("pipeline.jfr")).isNotEmptyFile();
        assertThat(Files.readString(out.resolve("results.md"))).contains("Where the pipeline's CPU samples fall");
        BufferedImage chart = ImageIO.read(out.resolve("throughput-vs-rules.png").toFile());
        assertThat(chart.getWidth()).isGreaterThan(100);
    }
}
