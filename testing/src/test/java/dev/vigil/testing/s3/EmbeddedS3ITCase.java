package dev.vigil.testing.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.testing.flink.FlinkS3;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EmbeddedS3ITCase {

    private static final String BUCKET = "vigil-test";

    @TempDir
    Path tempDir;

    @AfterAll
    static void resetFlinkFileSystems() {
        FileSystem.initialize(new Configuration(), null);
    }

    @Test
    void putListGetThroughS3Client() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(tempDir, 0);
                S3Bucket bucket = s3.client(BUCKET)) {
            assertThat(s3.endpoint().toString()).startsWith("http://127.0.0.1:");
            assertThat(s3.accessKey()).isEqualTo("vigil");
            assertThat(s3.secretKey()).isEqualTo("vigil-secret-key");
            s3.createBucket(BUCKET);
            s3.createBucket(BUCKET); // idempotent

            bucket.put("alerts/2026/01/a.json", "{\"id\":1}");
            bucket.put("alerts/2026/02/b.json", "{\"id\":2}".getBytes(StandardCharsets.UTF_8));
            bucket.put("dead-letters/x.bin", new byte[] {0, 1, 2, (byte) 255});

            assertThat(bucket.listKeys("alerts/"))
                    .containsExactly("alerts/2026/01/a.json", "alerts/2026/02/b.json");
            assertThat(bucket.listKeys(""))
                    .containsExactly("alerts/2026/01/a.json", "alerts/2026/02/b.json", "dead-letters/x.bin");
            assertThat(bucket.getString("alerts/2026/02/b.json")).isEqualTo("{\"id\":2}");
            assertThat(bucket.get("dead-letters/x.bin")).containsExactly(0, 1, 2, 255);
            assertThat(bucket.exists("dead-letters/x.bin")).isTrue();
            assertThat(bucket.exists("nope")).isFalse();
            assertThatThrownBy(() -> bucket.get("nope")).isInstanceOf(NoSuchElementException.class);

            bucket.delete("dead-letters/x.bin");
            assertThat(bucket.listKeys("dead-letters/")).isEmpty();
            // really on disk, under the data directory
            assertThat(Files.isDirectory(tempDir.resolve(BUCKET))).isTrue();
        }
    }

    @Test
    void listsAcrossPages() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(tempDir, 0);
                S3Bucket bucket = new SdkS3Bucket(s3.endpoint(), s3.accessKey(), s3.secretKey(), BUCKET, 7)) {
            s3.createBucket(BUCKET);
            for (int i = 0; i < 30; i++) {
                bucket.put(String.format("many/%02d", i), new byte[] {(byte) i});
            }
            bucket.put("other/x", "x");
            // 31 keys at 7 per page: five continuation round trips, nothing lost or repeated
            assertThat(bucket.listKeys("many/")).hasSize(30).doesNotHaveDuplicates()
                    .startsWith("many/00", "many/01").endsWith("many/29");
            assertThat(bucket.listKeys("")).hasSize(31).contains("other/x");
        }
    }

    @Test
    void stopAndRestartKeepPortAndData() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(tempDir, 0);
                S3Bucket bucket = s3.client(BUCKET)) {
            int port = s3.port();
            s3.createBucket(BUCKET);
            bucket.put("state/checkpoint-1", "one");

            s3.stop();
            assertThat(s3.isRunning()).isFalse();
            assertThatThrownBy(() -> bucket.listKeys("state/")).isInstanceOf(RuntimeException.class);

            s3.restart();
            assertThat(s3.isRunning()).isTrue();
            assertThat(s3.port()).isEqualTo(port);
            assertThat(bucket.listKeys("state/")).containsExactly("state/checkpoint-1");
            assertThat(bucket.getString("state/checkpoint-1")).isEqualTo("one");
            bucket.put("state/checkpoint-2", "two");
            assertThat(bucket.listKeys("state/")).containsExactly("state/checkpoint-1", "state/checkpoint-2");
        }
    }

    @Test
    void flinkS3FileSystemWritesAndReadsThroughEmbeddedEndpoint() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(tempDir, 0);
                S3Bucket bucket = s3.client(BUCKET)) {
            s3.createBucket(BUCKET);
            bucket.put("from-client/hello.txt", "written by the S3 client");

            FlinkS3.initializeFileSystems(FlinkS3.s3Settings(s3.endpoint(), s3.accessKey(), s3.secretKey()));

            org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path("s3://" + BUCKET + "/flink/out/part-0.txt");
            FileSystem fs = path.getFileSystem();
            // served by the plugin (own classloader): the S3 filesystem classes are not on the test classpath
            assertThat(fs.isDistributedFS()).isTrue();
            assertThatThrownBy(() -> Class.forName("org.apache.flink.fs.s3hadoop.S3FileSystemFactory"))
                    .isInstanceOf(ClassNotFoundException.class);

            try (FSDataOutputStream out = fs.create(path, FileSystem.WriteMode.OVERWRITE)) {
                out.write("written by Flink".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(bucket.getString("flink/out/part-0.txt")).isEqualTo("written by Flink");
            assertThat(read(fs, path)).isEqualTo("written by Flink");

            org.apache.flink.core.fs.Path fromClient = new org.apache.flink.core.fs.Path("s3://" + BUCKET + "/from-client/hello.txt");
            assertThat(read(fs, fromClient)).isEqualTo("written by the S3 client");

            FileStatus[] listed = fs.listStatus(new org.apache.flink.core.fs.Path("s3://" + BUCKET + "/flink/out"));
            assertThat(listed).extracting(s -> s.getPath().getName()).containsExactly("part-0.txt");
        }
    }

    private static String read(FileSystem fs, org.apache.flink.core.fs.Path path) throws Exception {
        try (FSDataInputStream in = fs.open(path)) {
            return new String(readAllBytes(in), StandardCharsets.UTF_8);
        }
    }

    private static byte[] readAllBytes(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
