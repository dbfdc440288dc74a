package dev.vigil.testing.s3;

import dev.vigil.testing.Backend;
import dev.vigil.testing.internal.TempDirs;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * JUnit 5 extension handing a test class one S3 endpoint with bucket {@value #BUCKET} already created:
 *
 * <pre>{@code
 * @RegisterExtension static final S3Extension S3 = S3Extension.fromSystemProperty();
 * ... S3.s3().client().listKeys("alerts/") ...
 * }</pre>
 *
 * <p>Embedded mode runs {@link EmbeddedS3} on a free port over a temporary directory (deleted afterwards).
 * Containers mode runs MinIO; without Docker the whole class is disabled, which JUnit and Surefire report as
 * skipped.
 */
public final class S3Extension implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {

    public static final String BUCKET = "vigil-test";
    public static final String MINIO_IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";

    private final Backend backend;
    private String ownerId;
    private Endpoint endpoint;
    private EmbeddedS3 embedded;
    private Path tempDir;
    private MinIOContainer container;

    private S3Extension(Backend backend) {
        this.backend = backend;
    }

    /** In-JVM s3proxy. */
    public static S3Extension embedded() {
        return new S3Extension(Backend.EMBEDDED);
    }

    /** A Testcontainers MinIO server ({@value #MINIO_IMAGE}); skipped where Docker is absent. */
    public static S3Extension containers() {
        return new S3Extension(Backend.CONTAINERS);
    }

    /** Containers when system property {@code vigil.test.backend=containers}, embedded otherwise. */
    public static S3Extension fromSystemProperty() {
        return new S3Extension(Backend.fromSystemProperty());
    }

    public Backend backend() {
        return backend;
    }

    /** The running endpoint; only valid between beforeAll and afterAll. */
    public synchronized S3Endpoint s3() {
        if (endpoint == null) {
            throw new IllegalStateException("S3 is not running: use the extension via @RegisterExtension on a"
                    + " static field and call s3() from tests or @BeforeAll methods");
        }
        return endpoint;
    }

    /** The embedded s3proxy (for stop/restart outage tests); empty in containers mode. */
    public synchronized Optional<EmbeddedS3> embeddedS3() {
        return Optional.ofNullable(embedded);
    }

    /**
     * Containers mode without Docker disables the test class (reported as skipped) before anything starts;
     * {@link #beforeAll} still aborts via an assumption should the condition not be consulted.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (backend == Backend.CONTAINERS && !Backend.isDockerAvailable()) {
            return ConditionEvaluationResult.disabled(Backend.dockerUnavailableReason("a MinIO container"));
        }
        return ConditionEvaluationResult.enabled(backend + " backend");
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (endpoint != null) {
            return; // already started by an enclosing class (@Nested)
        }
        if (backend == Backend.CONTAINERS) {
            Backend.assumeDockerAvailable("a MinIO container");
            MinIOContainer minio = new MinIOContainer(DockerImageName.parse(MINIO_IMAGE))
                    .withUserName(EmbeddedS3.ACCESS_KEY)
                    .withPassword(EmbeddedS3.SECRET_KEY);
            minio.start();
            container = minio;
            endpoint = new Endpoint(URI.create(minio.getS3URL()), minio.getUserName(), minio.getPassword());
        } else {
            tempDir = TempDirs.create("vigil-s3-");
            embedded = EmbeddedS3.start(tempDir, 0);
            endpoint = new Endpoint(embedded.endpoint(), embedded.accessKey(), embedded.secretKey());
        }
        endpoint.client().createIfMissing();
        ownerId = context.getUniqueId();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (ownerId != null && !ownerId.equals(context.getUniqueId())) {
            return; // a @Nested class finishing; the owner stops it
        }
        try {
            if (endpoint != null) {
                endpoint.client.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            if (container != null) {
                container.stop();
            }
        } finally {
            TempDirs.deleteRecursively(tempDir);
            endpoint = null;
            embedded = null;
            container = null;
            tempDir = null;
            ownerId = null;
        }
    }

    private static final class Endpoint implements S3Endpoint {
        private final URI uri;
        private final String accessKey;
        private final String secretKey;
        private final S3Bucket client;

        Endpoint(URI uri, String accessKey, String secretKey) {
            this.uri = uri;
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            this.client = S3Bucket.connect(uri, accessKey, secretKey, BUCKET);
        }

        @Override
        public URI endpoint() {
            return uri;
        }

        @Override
        public String accessKey() {
            return accessKey;
        }

        @Override
        public String secretKey() {
            return secretKey;
        }

        @Override
        public String bucket() {
            return BUCKET;
        }

        @Override
        public S3Bucket client() {
            return client;
        }

        @Override
        public String toString() {
            return "S3Endpoint[" + uri + ", bucket " + BUCKET + "]";
        }
    }
}
