package dev.vigil.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's operator uids against the checked-in manifest {@code jobs/detection/uids.yaml}: a uid
 * that disappears or changes, or a new one nobody recorded, fails the build until the manifest
 * says so (with a migration note for a retired uid).
 */
class UidManifestTest {

    /** The prefix Flink puts before a sink's uid to name its committer. */
    static final String SINK_COMMITTER = "Sink Committer: ";

    @TempDir
    static Path archiveDir;

    @Test
    void theJobGraphsUidsAreExactlyTheManifests() throws Exception {
        Manifest manifest = Manifest.load();
        Set<String> graph = graphUids();
        Set<String> missing = new TreeSet<>(manifest.uids());
        missing.removeAll(graph);
        Set<String> unrecorded = new TreeSet<>(graph);
        unrecorded.removeAll(manifest.uids());
        assertThat(missing).as("uids in uids.yaml that the job no longer has: a savepoint's state for them would be"
                + " orphaned. Restore the uid, or move it to `retired` with a migration note").isEmpty();
        assertThat(unrecorded).as("uids the job has that uids.yaml does not record: add them under `uids`").isEmpty();
    }

    @Test
    void aRetiredUidIsNeverUsedAgainAndCarriesANote() throws Exception {
        Manifest manifest = Manifest.load();
        Set<String> reused = new TreeSet<>(manifest.retired().keySet());
        reused.retainAll(graphUids());
        assertThat(reused).as("retired uids must never come back: their old state would be restored into a new operator")
                .isEmpty();
        manifest.retired().forEach((uid, note) -> assertThat(note).as("migration note of retired uid " + uid).isNotBlank());
    }

    @Test
    void theUidConstantsAndTheManifestAgree() throws Exception {
        Set<String> constants = new TreeSet<>();
        for (var f : DetectionJobUids.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                constants.add((String) f.get(null));
            }
        }
        Set<String> declared = new TreeSet<>(Manifest.load().uids());
        declared.removeIf(uid -> uid.startsWith(SINK_COMMITTER)); // derived by Flink, not declared by Vigil
        assertThat(constants).isEqualTo(declared);
    }

    private static Set<String> graphUids() {
        Configuration conf = new Configuration();
        conf.set(DetectionJobOptions.ARCHIVE_PATH, archiveDir.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        DetectionJob.defineProductionWorkflow(env, conf);
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        return uids;
    }

    /** The checked-in file itself, so the test sees edits without a rebuild; the jar's copy must be identical. */
    record Manifest(Set<String> uids, Map<String, String> retired) {

        static Manifest load() throws Exception {
            Path file = Paths.get(System.getProperty("vigil.project.root", "../..")).resolve("jobs/detection/uids.yaml");
            UidManifest manifest = UidManifest.load(file);
            assertThat(UidManifest.detectionJob()).as("the uid manifest packaged in the job jar").isEqualTo(manifest);
            return new Manifest(new TreeSet<>(manifest.uids().keySet()), manifest.retired());
        }
    }
}
