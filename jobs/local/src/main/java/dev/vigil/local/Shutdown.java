package dev.vigil.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful stop on Ctrl-C for long-running commands.
 *
 * <p>SIGINT and SIGTERM are caught as signals (the JVM does not start shutting down, so Flink's and Kafka's
 * own shutdown hooks do not tear things down under the command's feet): the first one requests a stop the
 * command handles in its own time; a second one exits at once. A shutdown hook covers every other way the
 * JVM may stop: it requests the stop and waits (bounded) until the command has finished cleaning up.
 */
public final class Shutdown implements AutoCloseable {

    private static final AtomicBoolean JVM_SHUTTING_DOWN = new AtomicBoolean();

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicInteger signals = new AtomicInteger();
    private final Duration hookWait;
    private final Thread hook;
    private volatile String reason;

    private Shutdown(Duration hookWait, boolean installHandlers) {
        this.hookWait = hookWait;
        if (installHandlers) {
            for (String name : new String[] {"INT", "TERM"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> onSignal(sig.getName()));
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    // Signal not available here (e.g. a JVM started with -Xrs): the shutdown hook still works.
                }
            }
            hook = new Thread(() -> {
                JVM_SHUTTING_DOWN.set(true);
                request("JVM shutdown");
                try {
                    finished.await(this.hookWait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "vigil-shutdown-hook");
            Runtime.getRuntime().addShutdownHook(hook);
        } else {
            hook = null;
        }
    }

    /** Catches Ctrl-C / SIGTERM and installs the shutdown hook; close it when the command is done. */
    public static Shutdown install(Duration hookWait) {
        return new Shutdown(hookWait, true);
    }

    /** A stop switch without signal handling (tests, embedded use): only {@link #request} stops. */
    public static Shutdown manual() {
        return new Shutdown(Duration.ZERO, false);
    }

    /** True once the JVM has begun shutting down (then System.exit must not be called). */
    public static boolean inProgress() {
        return JVM_SHUTTING_DOWN.get();
    }

    private void onSignal(String name) {
        if (signals.incrementAndGet() > 1) {
            System.err.println("\nSecond SIG" + name + ": exiting without cleanup.");
            Runtime.getRuntime().halt(130);
        }
        System.out.println();
        System.out.println("SIG" + name + " received: stopping (press Ctrl-C again to exit at once) ...");
        request("SIG" + name);
    }

    public void request(String why) {
        if (stopRequested.getCount() > 0) {
            reason = why;
            stopRequested.countDown();
        }
    }

    public boolean requested() {
        return stopRequested.getCount() == 0;
    }

    public String reason() {
        return reason;
    }

    /** Waits until a stop is requested or {@code timeout} passes; true when a stop was requested. */
    public boolean await(Duration timeout) throws InterruptedException {
        return stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Marks the command as finished (a waiting shutdown hook returns) and removes the hook. */
    @Override
    public void close() {
        finished.countDown();
        if (hook != null && !JVM_SHUTTING_DOWN.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }
}
