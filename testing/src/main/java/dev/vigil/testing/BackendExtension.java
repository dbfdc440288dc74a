package dev.vigil.testing;

import dev.vigil.testing.internal.TempDirs;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lifecycle shared by the extensions that hand a test class one server of type {@code E} for all its tests, on
 * the {@link Backend} chosen at construction: started once in {@code beforeAll}, reused by {@code @Nested}
 * classes, stopped in the owning class's {@code afterAll}. Containers mode without Docker disables the class,
 * which JUnit and Surefire report as skipped.
 *
 * <p>Subclasses only start the server and register how to stop it with {@link #stopAfterAll}; stoppers run in
 * reverse order of registration, so a client registered after its server is closed before it.
 */
public abstract class BackendExtension<E> implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {

    private final Backend backend;
    private final String service;
    private final String container;
    private final Deque<Runnable> stoppers = new ArrayDeque<>();
    private String ownerId;
    private E endpoint;
    private Path tempDir;

    /**
     * @param service what is started, as named in messages ({@code "Kafka"}); its lower-case form is the
     *     accessor subclasses expose ({@code kafka()}) and part of the embedded server's temporary directory name
     * @param container what containers mode starts, as named in skip reasons ({@code "a Redpanda container"})
     */
    protected BackendExtension(Backend backend, String service, String container) {
        this.backend = backend;
        this.service = service;
        this.container = container;
    }

    /** Starts the in-JVM server over {@code tempDir}, which is deleted after it has been stopped. */
    protected abstract E startEmbedded(Path tempDir);

    /** Starts the Testcontainers server; only called where Docker is available. */
    protected abstract E startContainer();

    /**
     * Has {@code stop} run in the owning class's {@code afterAll}, even when {@code beforeAll} failed after the
     * registration, so a half-started server is not left running.
     */
    protected final synchronized void stopAfterAll(Runnable stop) {
        stoppers.push(stop);
    }

    public Backend backend() {
        return backend;
    }

    /** The running server; only valid between beforeAll and afterAll. */
    protected final synchronized E running() {
        if (endpoint == null) {
            throw new IllegalStateException(service + " is not running: use the extension via @RegisterExtension on"
                    + " a static field and call " + service.toLowerCase(Locale.ROOT)
                    + "() from tests or @BeforeAll methods");
        }
        return endpoint;
    }

    /** The running server, or empty outside beforeAll..afterAll, for accessors that must not fail. */
    protected final synchronized Optional<E> ifRunning() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * Containers mode without Docker disables the test class (reported as skipped) before anything starts;
     * {@link #beforeAll} still aborts via an assumption should the condition not be consulted.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (backend == Backend.CONTAINERS && !Backend.isDockerAvailable()) {
            return ConditionEvaluationResult.disabled(Backend.dockerUnavailableReason(container));
        }
        return ConditionEvaluationResult.enabled(backend + " backend");
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (endpoint != null) {
            return; // already started by an enclosing class (@Nested)
        }
        if (backend == Backend.CONTAINERS) {
            Backend.assumeDockerAvailable(container);
            endpoint = startContainer();
        } else {
            tempDir = TempDirs.create("vigil-" + service.toLowerCase(Locale.ROOT) + "-");
            endpoint = startEmbedded(tempDir);
        }
        ownerId = context.getUniqueId();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (ownerId != null && !ownerId.equals(context.getUniqueId())) {
            return; // a @Nested class finishing; the owner stops it
        }
        try {
            while (!stoppers.isEmpty()) {
                stoppers.pop().run();
            }
        } finally {
            TempDirs.deleteRecursively(tempDir);
            stoppers.clear();
            tempDir = null;
            endpoint = null;
            ownerId = null;
        }
    }
}
