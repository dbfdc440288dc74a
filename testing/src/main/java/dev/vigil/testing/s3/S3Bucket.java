package dev.vigil.testing.s3;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One bucket of an S3-compatible store (s3proxy, MinIO, AWS), for tests to inspect what jobs wrote.
 * {@link #connect} returns a real S3 client speaking HTTP with path-style addressing.
 */
public interface S3Bucket extends AutoCloseable {

    /** A client for {@code bucket} at {@code endpoint} (e.g. {@code http://127.0.0.1:9000}), region us-east-1. */
    static S3Bucket connect(URI endpoint, String accessKey, String secretKey, String bucket) {
        return new SdkS3Bucket(endpoint, accessKey, secretKey, bucket);
    }

    /** The bucket name. */
    String name();

    /** All keys starting with {@code prefix} ("" for all), recursively (no delimiter), in lexicographic order. */
    List<String> listKeys(String prefix);

    /** The object's bytes; throws {@link java.util.NoSuchElementException} when the key does not exist. */
    byte[] get(String key);

    /** The object decoded as UTF-8. */
    default String getString(String key) {
        return new String(get(key), StandardCharsets.UTF_8);
    }

    void put(String key, byte[] data);

    default void put(String key, String utf8) {
        put(key, utf8.getBytes(StandardCharsets.UTF_8));
    }

    boolean exists(String key);

    void delete(String key);

    /** Creates the bucket unless it exists already. */
    void createIfMissing();

    @Override
    void close();
}
