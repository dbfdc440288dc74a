package dev.vigil.local.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one pipeline pass spends its CPU, from JDK Flight Recorder's execution samples: each sample is given to
 * the first {@link Part} (in the order below) with a frame of one of its classes on its stack. The order matters because the
 * chain nests: every sink runs inside the enrichment operator's call, Avro serialization for the network inside
 * the source's, and the aggregations' RocksDB state uses Avro too.
 */
final class PipelineProfile {

    /** A part of the pipeline and how to recognise its frames, by class name. */
    record Part(String name, Predicate<String> frameClass) {}

    static final String BROKER = "broker and S3 endpoint (same JVM)";
    static final String OTHER = "other: Flink runtime, network stack, checkpoints";

    static final List<Part> PARTS = List.of(
            new Part("Parquet archive", c -> c.startsWith("org.apache.parquet.") || c.startsWith("org.apache.flink.formats.parquet.")),
            new Part("aggregations on RocksDB", c -> c.equals("dev.vigil.jobs.detection.detect.FindingCounter")
                    || c.startsWith("org.rocksdb.") || c.startsWith("org.apache.flink.state.rocksdb.")),
            new Part("Avro serialization between tasks", c -> c.equals("org.apache.flink.formats.avro.typeutils.AvroSerializer")),
            new Part("Kafka sinks (encoding included)", c -> c.startsWith("org.apache.flink.connector.kafka.sink.")),
            new Part("detections (Java and Sigma)", c -> c.equals("dev.vigil.jobs.detection.detect.DetectionEvaluator")),
            new Part("reputation enrichment", c -> c.startsWith("dev.vigil.jobs.detection.enrich.")),
            new Part("Kafka source, decoding, validation", c -> c.startsWith("dev.vigil.jobs.detection.decode.")
                    || c.startsWith("org.apache.flink.connector.kafka.source.")
                    || c.startsWith("org.apache.flink.connector.base.source.reader.")));

    /** Samples per part, in {@link #PARTS} order, then {@link #BROKER} and {@link #OTHER}. */
    record Breakdown(int samples, Map<String, Integer> byPart, Path recording) {
        double share(String part) {
            return samples == 0 ? 0 : byPart.getOrDefault(part, 0) / (double) samples;
        }
    }

    interface Pass {
        void run() throws Exception;
    }

    private PipelineProfile() {}

    /** Runs {@code pass} under a recording with JFR's "profile" settings, keeps it at {@code file}, and breaks it down. */
    static Breakdown record(Pass pass, Path file, ThreadCpu threads) throws Exception {
        try (Recording recording = new Recording(profileSettings())) {
            recording.start();
            pass.run();
            recording.stop();
            recording.dump(file);
        }
        return breakdown(file, threads);
    }

    static Breakdown breakdown(Path file, ThreadCpu threads) throws IOException {
        Map<String, Integer> byPart = new LinkedHashMap<>();
        PARTS.forEach(p -> byPart.put(p.name(), 0));
        byPart.put(BROKER, 0);
        byPart.put(OTHER, 0);
        int samples = 0;
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                RecordedThread t = e.getThread("sampledThread");
                boolean broker = t != null && threads.isBroker(t.getJavaThreadId(), t.getJavaName());
                RecordedStackTrace stack = e.getStackTrace();
                List<String> frameClasses = new ArrayList<>();
                if (stack != null) {
                    for (RecordedFrame f : stack.getFrames()) {
                        frameClasses.add(f.getMethod().getType().getName());
                    }
                }
                byPart.merge(broker ? BROKER : partOf(frameClasses), 1, Integer::sum);
                samples++;
            }
        }
        return new Breakdown(samples, byPart, file);
    }

    /** The first part with a frame on the stack (class names, leaf first), else {@link #OTHER}. */
    static String partOf(List<String> frameClasses) {
        for (Part part : PARTS) {
            for (String c : frameClasses) {
                if (part.frameClass().test(c)) return part.name();
            }
        }
        return OTHER;
    }

    private static Configuration profileSettings() throws IOException {
        try {
            return Configuration.getConfiguration("profile");
        } catch (ParseException e) {
            throw new IOException("JFR's built-in 'profile' settings do not parse", e);
        }
    }
}
