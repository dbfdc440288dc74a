package dev.vigil.detections.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.Detections;
import dev.vigil.detections.engine.DetectionCatalog;
import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.sigma.SigmaRuleLoader;
import dev.vigil.detections.windows.WindowsEventJson;
import dev.vigil.detections.windows.WindowsTelemetry;
import dev.vigil.schema.EnrichedEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every detection folder under {@code udfs/detections} runs its samples. One folder alone (the other
 * checks here are then skipped): {@code MAVEN_OPTS=-XX:TieredStopAtLevel=1 mvn -o -q -pl udfs -am test
 * -Dtest=DetectionSamplesTest -Dsurefire.failIfNoSpecifiedTests=false -DforkCount=0
 * -Dvigil.detection=<folder>} (README, "How to add a detection").
 */
class DetectionSamplesTest {

    /** Runs only this folder's samples (a name under udfs/detections, or a path from the repository root). */
    static final String ONE = "vigil.detection";

    static final Path ROOT = Paths.get(System.getProperty("vigil.project.root", "..")).toAbsolutePath().normalize();
    static final Path DETECTIONS = ROOT.resolve("udfs/detections");

    static Stream<String> detections() {
        String only = System.getProperty(ONE);
        if (only != null && !only.isBlank()) {
            return Stream.of(only.split(",")).map(String::trim);
        }
        return DetectionFolder.list(DETECTIONS).stream().map(p -> p.getFileName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detections")
    void samplesRaiseExactlyTheirAlerts(String folder) {
        Path dir = Files.isDirectory(DETECTIONS.resolve(folder)) ? DETECTIONS.resolve(folder) : ROOT.resolve(folder);
        SampleRunner.Report report = SampleRunner.run(dir);
        System.out.println(report);
        assertThat(report.failures()).as("%s", report).isEmpty();
        assertThat(report.cases()).anyMatch(c -> c.sample().positive()).anyMatch(c -> !c.sample().positive());
    }

    @Test
    @DisabledIfSystemProperty(named = ONE, matches = ".+", disabledReason = "running one detection's samples")
    void everyJavaDetectionHasAFolderWithSamples() {
        Map<String, String> folderByClass = new HashMap<>();
        for (Path dir : DetectionFolder.list(DETECTIONS)) {
            DetectionFolder folder = DetectionFolder.load(dir);
            if (folder.kind() == DetectionFolder.Kind.JAVA) {
                String previous = folderByClass.put(folder.javaClass(), folder.name());
                assertThat(previous).as("%s and %s point to the same class", previous, folder.name()).isNull();
            }
        }
        List<String> missing = new ArrayList<>();
        for (Detection d : Detections.discover()) {
            if (!folderByClass.containsKey(d.getClass().getName())) {
                missing.add(d.getClass().getName());
            }
        }
        assertThat(missing).as("registered Java detections without a folder (detection.yml + samples.yml) in %s", DETECTIONS)
                .isEmpty();
        assertThat(folderByClass).hasSize(Detections.discover().size());
    }

    @Test
    @DisabledIfSystemProperty(named = ONE, matches = ".+", disabledReason = "running one detection's samples")
    void everyBundledSigmaRuleCompilesAndIsAFolder() {
        DetectionCatalog catalog = DetectionCatalog.load(DetectionCatalog.Settings.builtinOnly());
        SigmaRuleLoader.Result sigma = catalog.sigma();
        assertThat(sigma.rejected()).as("bundled Sigma rules rejected").isEmpty();
        assertThat(sigma.skippedDocuments()).as("non-rule YAML shipped in the jar").isZero();

        Set<String> folderIds = new HashSet<>();
        Set<String> allIds = new HashSet<>();
        for (Path dir : DetectionFolder.list(DETECTIONS)) {
            DetectionFolder folder = DetectionFolder.load(dir);
            assertThat(allIds.add(folder.detectionId())).as("detection id %s used twice", folder.detectionId()).isTrue();
            if (folder.kind() == DetectionFolder.Kind.SIGMA) {
                folderIds.add(folder.detectionId());
            }
        }
        assertThat(sigma.rules()).extracting(SigmaRule::id).containsExactlyInAnyOrderElementsOf(folderIds);
        assertThat(catalog.engine().size()).isEqualTo(allIds.size());
    }

    @Test
    @DisabledIfSystemProperty(named = ONE, matches = ".+", disabledReason = "running one detection's samples")
    void aMalformedRuleFileIsRejectedWithItsNameAndTheOthersStillLoadAndRun(@TempDir Path tmp) throws IOException {
        Path good = copyTemplateRule(tmp.resolve("sigma-good"));
        Path broken = Files.createDirectories(tmp.resolve("sigma-broken"));
        Files.writeString(broken.resolve(DetectionFolder.RULE), """
                title: Broken rule
                id: 5b0d7f6e-0000-4000-8000-000000000001
                logsource: {product: windows, category: process_creation
                detection:
                    selection:
                        Image|endswith: '\\evil.exe'
                    condition: selection
                """);
        Files.copy(DETECTIONS.resolve("_template/samples.yml"), broken.resolve(DetectionFolder.SAMPLES));
        Path brokenRule = broken.resolve(DetectionFolder.RULE);

        // the job's loading path: bundled detections plus this rule folder
        DetectionCatalog catalog = DetectionCatalog.load(new DetectionCatalog.Settings(true, List.of(tmp.toString()), null));
        assertThat(catalog.sigma().rejected()).singleElement()
                .satisfies(r -> assertThat(r.file()).isEqualTo(brokenRule.toString()))
                .satisfies(r -> assertThat(r.toString()).contains(brokenRule.toString()).contains("YAML"));
        String goodId = DetectionFolder.load(good).detectionId();
        assertThat(catalog.sigma().rules()).extracting(SigmaRule::id).contains(goodId)
                .hasSize(DetectionCatalog.load(DetectionCatalog.Settings.builtinOnly()).sigma().rules().size() + 1);

        DetectionEngine engine = catalog.engine();
        List<String> fired = new ArrayList<>();
        Map<String, Object> whoami = WindowsEventJson.flatten(Map.of("EventID", 1, "Channel", "Microsoft-Windows-Sysmon/Operational",
                "Computer", "ws-01", "Image", "C:\\Windows\\System32\\whoami.exe", "CommandLine", "whoami /priv"));
        engine.evaluate(new EnrichedEvent(WindowsTelemetry.toTelemetry("acme", whoami, Instant.EPOCH, "e1"), List.of()),
                (detection, finding) -> fired.add(engine.metadata(detection).id()));
        assertThat(fired).containsExactly(goodId);

        // the sample runner: the broken folder fails loudly with its file, the good one still passes
        assertThatThrownBy(() -> SampleRunner.run(broken)).isInstanceOf(SamplesException.class)
                .hasMessageStartingWith(brokenRule.toString()).hasMessageContaining("rejected");
        assertThat(SampleRunner.run(good).passed()).isTrue();
    }

    @Test
    @DisabledIfSystemProperty(named = ONE, matches = ".+", disabledReason = "running one detection's samples")
    void theTemplateIsAWorkingExample(@TempDir Path tmp) throws IOException {
        SampleRunner.Report report = SampleRunner.run(copyTemplateRule(tmp.resolve("sigma-copy")));
        assertThat(report.failures()).as("%s", report).isEmpty();
        assertThat(DetectionFolder.javaClass(DETECTIONS.resolve("_template/detection.yml")))
                .isEqualTo("dev.vigil.detections.builtin.YourDetection");
    }

    /** The template's Sigma variant (rule.yml + samples.yml) as a folder of its own. */
    private static Path copyTemplateRule(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(DETECTIONS.resolve("_template/rule.yml"), dir.resolve(DetectionFolder.RULE));
        Files.copy(DETECTIONS.resolve("_template/samples.yml"), dir.resolve(DetectionFolder.SAMPLES));
        return dir;
    }
}
