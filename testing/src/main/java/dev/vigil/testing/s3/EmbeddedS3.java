package dev.vigil.testing.s3;

import dev.vigil.testing.internal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 endpoint inside this JVM: s3proxy over a filesystem blob store rooted at {@code dataDir} (one
 * sub-directory per bucket), plain HTTP on 127.0.0.1, AWS V2/V4 signatures with fixed credentials
 * {@value #ACCESS_KEY} / {@value #SECRET_KEY}. Use path-style addressing.
 *
 * <p>{@link #stop()} keeps the data; {@link #restart()} serves it again on the same port (outage tests);
 * {@link #close()} stops without deleting {@code dataDir} (callers own it).
 */
public final class EmbeddedS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "vigil";
    public static final String SECRET_KEY = "vigil-secret-key";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final URI endpoint;
    private S3Proxy proxy;
    private BlobStore blobStore;

    private EmbeddedS3(Path dataDir, int port) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts s3proxy on {@code port} (0 = a free port) storing buckets under {@code dataDir} (created if needed). */
    public static EmbeddedS3 start(Path dataDir, int port) {
        EmbeddedS3 s3 = new EmbeddedS3(dataDir, FreePorts.orFree(port));
        s3.startProxy();
        return s3;
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Creates {@code bucket} unless it exists (directly on the blob store; works while stopped too). */
    public synchronized void createBucket(String bucket) {
        BlobStore store = blobStore != null ? blobStore : new FilesystemNio2BlobStore(dataDir.toString());
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
    }

    /** A new S3 client for {@code bucket} on this endpoint; the caller closes it. */
    public S3Bucket client(String bucket) {
        return S3Bucket.connect(endpoint, ACCESS_KEY, SECRET_KEY, bucket);
    }

    /** Stops serving; the data stays in {@code dataDir}. No-op when already stopped. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        S3Proxy running = proxy;
        proxy = null;
        blobStore = null;
        try {
            running.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop s3proxy on " + endpoint, e);
        }
    }

    /** Serves again on the same port and directory (stopping first if running). */
    public synchronized void restart() {
        stop();
        startProxy();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void startProxy() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create " + dataDir, e);
        }
        BlobStore store = new FilesystemNio2BlobStore(dataDir.toString());
        S3Proxy s3Proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        try {
            s3Proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!"STARTED".equals(s3Proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy not started after " + START_TIMEOUT + ", state "
                            + s3Proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(s3Proxy);
            throw new IllegalStateException("Interrupted while starting s3proxy", e);
        } catch (Exception e) {
            stopQuietly(s3Proxy);
            throw new IllegalStateException("s3proxy failed to start on " + endpoint + " over " + dataDir, e);
        }
        proxy = s3Proxy;
        blobStore = store;
    }

    private static void stopQuietly(S3Proxy s3Proxy) {
        try {
            s3Proxy.stop();
        } catch (Exception ignored) {
            // best effort after a failed start
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + endpoint + ", " + dataDir + (isRunning() ? "" : ", stopped") + "]";
    }
}
