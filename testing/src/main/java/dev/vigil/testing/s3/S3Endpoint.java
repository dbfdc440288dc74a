package dev.vigil.testing.s3;

import java.net.URI;

/** A reachable S3-compatible endpoint with one test bucket: the in-JVM {@link EmbeddedS3} or a MinIO container. */
public interface S3Endpoint {

    /** e.g. {@code http://127.0.0.1:40123}; use path-style access. */
    URI endpoint();

    String accessKey();

    String secretKey();

    /** The bucket created before the tests ({@code vigil-test} from {@link S3Extension}). */
    String bucket();

    /** A client for {@link #bucket()}, owned by the endpoint (do not close it). */
    S3Bucket client();
}
