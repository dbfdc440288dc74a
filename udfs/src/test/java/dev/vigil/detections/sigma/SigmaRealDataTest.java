package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.engine.DetectionSelection;
import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import java.time.Instant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every rule of the real-data set over every event file of it (SigmaHQ rules and regression events, OTRF
 * attack recordings; ../shared/realdata/public) must give exactly the expected multiset of hits.
 */
class SigmaRealDataTest {

    static Path set;
    static SigmaRuleLoader.Result loaded;

    @BeforeAll
    static void load() {
        Path root = Paths.get(System.getProperty("vigil.project.root", ".")).toAbsolutePath().normalize();
        set = root.resolve("../shared/realdata/public").normalize();
        if (Files.isDirectory(set)) {
            loaded = new SigmaRuleLoader(new SigmaRuleCompiler(LogsourceMapping.windows(), Map.of()))
                    .load(List.of(set.resolve("sigma")));
        }
    }

    /** Per test, so each is reported as skipped (with the reason) rather than silently not run. */
    @BeforeEach
    void requireTheSet() {
        assumeTrue(loaded != null, "real-data set absent (" + set + "): skipped");
    }

    @Test
    void everyRuleCompiles() {
        System.out.printf("rules: %d compiled, %d rejected, %d non-rule YAML documents skipped%n",
                loaded.rules().size(), loaded.rejected().size(), loaded.skippedDocuments());
        loaded.rejected().forEach(r -> System.out.println("  rejected " + r));
        assertThat(loaded.rejected()).isEmpty();
        assertThat(loaded.rules()).hasSize(128);
    }

    @Test
    void allRulesOverAllEventsGiveExactlyTheExpectedHits() throws IOException {
        assertExpectedHits((file, index, event, hits) -> {
            MapEventFields fields = new MapEventFields(event);
            for (SigmaRule rule : loaded.rules()) {
                if (rule.matches(fields)) {
                    hits.add(hit(set.relativize(Paths.get(rule.file())).toString(), rule.id(), file, index));
                }
            }
        });
    }

    /**
     * The production path: each event becomes a TelemetryEvent (the Windows adapter the pipeline
     * runs), and the detection engine evaluates all rules on it through the telemetry field view.
     */
    @Test
    void theSameThroughTheWindowsAdapterAndTheDetectionEngine() throws IOException {
        DetectionEngine engine = new DetectionEngine(List.of(), new SigmaRuleSet(loaded.rules()), DetectionSelection.ALL);
        Instant ingest = Instant.parse("2026-01-01T00:00:00Z");
        assertExpectedHits((file, index, event, hits) -> {
            TelemetryEvent telemetry = WindowsTelemetry.toTelemetry("acme", event, ingest, file + "#" + index);
            engine.evaluate(new EnrichedEvent(telemetry, List.of()), (detection, finding) -> {
                SigmaRule rule = loaded.rules().get(detection);
                hits.add(hit(set.relativize(Paths.get(rule.file())).toString(), rule.id(), file, index));
            });
        });
    }

    interface Evaluation {
        void evaluate(String file, int index, Map<String, Object> event, List<String> hits);
    }

    private void assertExpectedHits(Evaluation evaluation) throws IOException {
        List<String> expected = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(set.resolve("expected_matches.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode n = json.readTree(line);
                expected.add(hit(n.get("rule_file").asText(), n.get("rule_id").asText(), n.get("event_file").asText(),
                        n.get("event_index").asInt()));
            }
        }
        List<Path> eventFiles = new ArrayList<>();
        for (Path dir : List.of(set.resolve("sigma/regression_data"), set.resolve("security-datasets"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".jsonl"))
                        .sorted().forEach(eventFiles::add);
            }
        }
        List<String> actual = new ArrayList<>();
        int events = 0;
        for (Path file : eventFiles) {
            List<Map<String, Object>> fileEvents = WindowsEventJson.read(file);
            events += fileEvents.size();
            for (int i = 0; i < fileEvents.size(); i++) {
                evaluation.evaluate(set.relativize(file).toString(), i, fileEvents.get(i), actual);
            }
        }
        System.out.printf("%d event files, %d events, %d hits (%d expected)%n", eventFiles.size(), events, actual.size(), expected.size());
        Map<String, Integer> diff = new HashMap<>();
        expected.forEach(h -> diff.merge(h, 1, Integer::sum));
        actual.forEach(h -> diff.merge(h, -1, Integer::sum));
        diff.values().removeIf(v -> v == 0);
        diff.forEach((h, d) -> System.out.println((d > 0 ? "  MISSING " : "  EXTRA   ") + h));
        assertThat(events).isEqualTo(7_073);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static String hit(String ruleFile, String ruleId, String eventFile, int index) {
        return ruleFile + " [" + ruleId + "] @ " + eventFile + "#" + index;
    }
}
