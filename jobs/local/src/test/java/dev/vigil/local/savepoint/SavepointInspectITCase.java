package dev.vigil.local.savepoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.jobs.detection.UidManifest;
import dev.vigil.local.VigilCli;
import dev.vigil.testing.s3.S3Bucket;
import dev.vigil.testing.s3.S3Extension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./vigil savepoint inspect} on the detection job's golden savepoint (jobs/detection's test resources),
 * read from the local file system and from S3 (s3proxy, or MinIO under Testcontainers).
 */
class SavepointInspectITCase {

    @RegisterExtension
    static final S3Extension S3 = S3Extension.fromSystemProperty();

    static final Path GOLDENS = Paths.get(System.getProperty("vigil.project.root", "../.."))
            .resolve("jobs/detection/src/test/resources/golden-savepoints/detection").toAbsolutePath().normalize();
    /** The golden savepoint taken with today's operators. */
    static final Path GOLDEN = GOLDENS.resolve("0.1.0-b/savepoint");
    /** The golden savepoint taken before windows-dead-letter-router existed. */
    static final Path GOLDEN_BEFORE_ROUTER = GOLDENS.resolve("0.1.0/savepoint");

    /** The uid heading an operator block: a line at column 0 that is not the savepoint header or a note. */
    static final Pattern OPERATOR_LINE = Pattern.compile("(?m)^(\\S.*?)(  RETIRED uid)?$");

    record Run(int code, String out, String err) {}

    static Run inspect(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VigilCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 2];
        full[0] = "savepoint";
        full[1] = "inspect";
        System.arraycopy(args, 0, full, 2, args.length);
        int code = cl.execute(full);
        return new Run(code, out.toString(), err.toString());
    }

    /** The operator blocks of the text report: uid -> the block's lines. */
    static List<String> operatorUids(String report) {
        List<String> uids = new ArrayList<>();
        String[] blocks = report.split("\\R\\R");
        for (int i = 1; i < blocks.length; i++) { // block 0 is the savepoint header
            String first = blocks[i].lines().findFirst().orElse("");
            if (blocks[i].lines().skip(1).findFirst().orElse("").startsWith("    operator ")) {
                Matcher m = OPERATOR_LINE.matcher(first);
                assertThat(m.matches()).isTrue();
                uids.add(m.group(1));
            }
        }
        return uids;
    }

    static String block(String report, String uid) {
        for (String b : report.split("\\R\\R")) {
            if (b.lines().findFirst().orElse("").equals(uid)) return b;
        }
        throw new AssertionError("no block for " + uid + " in\n" + report);
    }

    /** Uids added to the job after golden savepoint 0.1.0 was taken (stateless; see uids.yaml's migration notes). */
    static final List<String> ADDED_AFTER_0_1_0 = List.of("windows-dead-letter-router");

    /** The manifest's uids, in its order. */
    static List<String> goldenUids() {
        return List.copyOf(UidManifest.detectionJob().uids().keySet());
    }

    /** The uids listed as absent from the savepoint. */
    static List<String> absentUids(String report) {
        int at = report.indexOf("not in this savepoint");
        if (at < 0) return List.of();
        List<String> uids = new ArrayList<>();
        for (String line : report.substring(at).lines().skip(1).toList()) {
            if (!line.startsWith("    ")) break;
            uids.add(line.strip());
        }
        return uids;
    }

    @Test
    void printsEveryUidOfTheJobsManifestWithItsStates() {
        Run run = inspect(GOLDEN.toString());
        assertThat(run.code()).as(run.err()).isZero();
        UidManifest manifest = UidManifest.detectionJob();
        assertThat(operatorUids(run.out())).as(run.out()).containsExactlyElementsOf(manifest.uids().keySet());
        assertThat(run.out()).doesNotContain("not in this savepoint").doesNotContain("not current uids");

        // the stateful detection: 2 windows (failed logons at 4 of 5, a port scan at 20 of 25), their timers
        String thresholds = block(run.out(), "detection-thresholds");
        assertThat(thresholds).containsPattern("finding-window +keyed value +[0-9.]+ (B|KiB) +\\d+ entries, Avro dev\\.vigil\\.schema\\.internal\\.FindingWindow")
                .containsPattern("_timer_state/event_user-timers +keyed timers +[0-9.]+ (B|KiB) +\\d+ entries, TimerSerializer");
        // the reputation feed: 2 verdicts in broadcast state
        assertThat(block(run.out(), "reputation-enrichment"))
                .containsPattern("reputation-verdicts +broadcast .* 2 entries, StringSerializer -> Avro dev\\.vigil\\.schema\\.ReputationUpdate");
        // sources keep their splits (offsets) in operator state and their enumerator in the coordinator
        assertThat(block(run.out(), "telemetry-kafka-source")).contains("SourceReaderState").contains("(coordinator)");
        assertThat(block(run.out(), "detection-evaluator")).contains("(no state)");
        assertThat(block(run.out(), "Sink Committer: alerts-kafka-sink")).contains("streaming_committer_raw_states");
    }

    @Test
    void anOlderSavepointStillNamesEveryUidAndTheOperatorsItLacks() {
        Run run = inspect(GOLDEN_BEFORE_ROUTER.toString());
        assertThat(run.code()).as(run.err()).isZero();
        List<String> manifest = goldenUids();
        assertThat(operatorUids(run.out())).as(run.out())
                .containsExactlyElementsOf(manifest.stream().filter(uid -> !ADDED_AFTER_0_1_0.contains(uid)).toList());
        // every uid of the manifest is printed: as an operator of the savepoint, or as one the savepoint lacks
        assertThat(absentUids(run.out())).as(run.out()).containsExactlyElementsOf(ADDED_AFTER_0_1_0);
        List<String> printed = new ArrayList<>(operatorUids(run.out()));
        printed.addAll(absentUids(run.out()));
        assertThat(printed).containsExactlyInAnyOrderElementsOf(manifest);
        assertThat(run.out()).doesNotContain("not current uids");
        assertThat(block(run.out(), "detection-thresholds")).contains("finding-window");
    }

    @Test
    void theJsonReportHasTheSameOperatorsWithEntriesAndBytes() throws Exception {
        Run run = inspect("--json", GOLDEN.resolve("_metadata").toString());
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        List<String> uids = new ArrayList<>();
        report.get("operators").forEach(op -> uids.add(op.get("uid").asText()));
        assertThat(uids).containsExactlyElementsOf(goldenUids());
        JsonNode thresholds = report.get("operators").get(uids.indexOf("detection-thresholds"));
        assertThat(thresholds.get("uidSource").asText()).isEqualTo("savepoint");
        assertThat(thresholds.get("maxParallelism").asInt()).isEqualTo(128);
        JsonNode window = null;
        for (JsonNode s : thresholds.get("states")) {
            if (s.get("name").asText().equals("finding-window")) window = s;
        }
        assertThat(window).isNotNull();
        assertThat(window.get("entries").asLong()).isPositive();
        assertThat(window.get("bytes").asLong()).isPositive().isLessThan(thresholds.get("bytes").asLong());
        assertThat(report.get("totalBytes").asLong()).isGreaterThanOrEqualTo(thresholds.get("bytes").asLong());
    }

    @Test
    void readsTheSavepointFromS3() throws Exception {
        var s3 = S3.s3();
        String prefix = "savepoints/golden-" + System.nanoTime() + "/";
        try (S3Bucket bucket = s3.client(); Stream<Path> files = Files.walk(GOLDEN)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                bucket.put(prefix + GOLDEN.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        Run run = inspect("-D", "s3.endpoint=" + s3.endpoint(), "-D", "s3.path.style.access=true",
                "-D", "s3.access-key=" + s3.accessKey(), "-D", "s3.secret-key=" + s3.secretKey(),
                "-D", "s3.endpoint.region=us-east-1", "-D", "s3.connection.ssl.enabled=false",
                "s3://" + s3.bucket() + "/" + prefix);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(operatorUids(run.out())).containsExactlyElementsOf(goldenUids());
        assertThat(block(run.out(), "detection-thresholds")).contains("finding-window");
    }

    @Test
    void namesManifestUidsTheSavepointLacksAndOperatorsTheManifestLacks(@TempDir Path dir) throws Exception {
        // a later manifest: one uid added (its operator starts empty), one retired (its state cannot be restored)
        UidManifest current = UidManifest.detectionJob();
        StringBuilder yaml = new StringBuilder("uids:\n");
        current.uids().keySet().stream().filter(uid -> !uid.equals("windows-kafka-source"))
                .forEach(uid -> yaml.append("  \"").append(uid).append("\": x\n"));
        yaml.append("  detection-sequences: a new stateful operator\n");
        yaml.append("retired:\n  windows-kafka-source: replaced by a new source\n");
        Path manifest = dir.resolve("uids.yaml");
        Files.writeString(manifest, yaml);

        Run run = inspect("--uids", manifest.toString(), GOLDEN.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("windows-kafka-source  RETIRED uid")
                .containsPattern("not in this savepoint[^\\n]*\\n(    .*\\n)*    detection-sequences")
                .contains("1 operator(s) are not current uids of the manifest");
    }

    @Test
    void aPathWithoutASavepointExitsWithOneAndSaysWhy(@TempDir Path dir) {
        Run run = inspect(dir.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("cannot read the savepoint at " + dir);
        assertThat(run.out()).isEmpty();
        assertThat(inspect().code()).as("missing PATH").isEqualTo(2);
        assertThat(inspect("--uids", dir.resolve("none.yaml").toString(), GOLDEN.toString()).code()).isEqualTo(2);
    }
}
