package dev.vigil.testing.s3;

import dev.vigil.testing.Backend;
import dev.vigil.testing.BackendExtension;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
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
public final class S3Extension extends BackendExtension<S3Endpoint> {

    public static final String BUCKET = "vigil-test";
    public static final String MINIO_IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";

    private S3Extension(Backend backend) {
        super(backend, "S3", "a MinIO container");
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

    /** The running endpoint; only valid between beforeAll and afterAll. */
    public S3Endpoint s3() {
        return running();
    }

    /** The embedded s3proxy (for stop/restart outage tests); empty in containers mode. */
    public Optional<EmbeddedS3> embeddedS3() {
        return ifRunning().map(endpoint -> ((Endpoint) endpoint).embedded);
    }

    @Override
    protected S3Endpoint startEmbedded(Path tempDir) {
        EmbeddedS3 embedded = EmbeddedS3.start(tempDir, 0);
        stopAfterAll(embedded::close);
        return connect(embedded.endpoint(), embedded.accessKey(), embedded.secretKey(), embedded);
    }

    @Override
    protected S3Endpoint startContainer() {
        MinIOContainer minio = new MinIOContainer(DockerImageName.parse(MINIO_IMAGE))
                .withUserName(EmbeddedS3.ACCESS_KEY)
                .withPassword(EmbeddedS3.SECRET_KEY);
        minio.start();
        stopAfterAll(minio::stop);
        return connect(URI.create(minio.getS3URL()), minio.getUserName(), minio.getPassword(), null);
    }

    private Endpoint connect(URI uri, String accessKey, String secretKey, EmbeddedS3 embedded) {
        Endpoint endpoint = new Endpoint(uri, accessKey, secretKey, embedded);
        stopAfterAll(endpoint.client::close);
        endpoint.client.createIfMissing();
        return endpoint;
    }

    private static final class Endpoint implements S3Endpoint {
        private final URI uri;
        private final String accessKey;
        private final String secretKey;
        private final S3Bucket client;
        private final EmbeddedS3 embedded; // null in containers mode

        Endpoint(URI uri, String accessKey, String secretKey, EmbeddedS3 embedded) {
            this.uri = uri;
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            this.embedded = embedded;
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
