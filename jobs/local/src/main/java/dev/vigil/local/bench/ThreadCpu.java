package dev.vigil.local.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CPU time of this JVM's threads, split into the in-JVM broker's (and S3 endpoint's) and everyone else's
 * (Flink, or the raw consumer), so a ratio measured on a shared 2-core box can be read honestly.
 * Broker threads are those the broker and S3 started, plus threads the broker starts later (recognised by
 * Kafka's broker-side thread names; client threads such as {@code kafka-producer-network-thread} are not).
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Pattern BROKER_NAMES = Pattern.compile(
            "data-plane-kafka.*|kafka-request-handler.*|kafka-network-thread.*|kafka-scheduler.*|ExpirationReaper.*|"
                    + "LogDirFailureHandler|kafka-log-cleaner.*|group-coordinator.*|transaction-.*|TxnMarkerSenderThread.*|"
                    + "quorum-.*|raft-.*|broker-.*|controller-.*|kafka-.*-event-handler|.*-event-process-thread|"
                    + "ReplicaFetcherThread.*|share-.*|persister-.*|metadata-.*|qtp.*");

    private final Set<Long> infrastructure;

    ThreadCpu(Set<Long> infrastructureThreadIds) {
        this.infrastructure = Set.copyOf(infrastructureThreadIds);
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    /** The ids of every live thread: call after starting the broker and S3, before any client. */
    static Set<Long> liveThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (long id : THREADS.getAllThreadIds()) ids.add(id);
        return ids;
    }

    /** Whether the thread belongs to the in-JVM broker or S3 endpoint. */
    boolean isBroker(long threadId, String threadName) {
        return infrastructure.contains(threadId) || (threadName != null && BROKER_NAMES.matcher(threadName).matches());
    }

    /** CPU nanoseconds per live thread id, and whether it is a broker thread. */
    Snapshot snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, Boolean> broker = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long t = THREADS.getThreadCpuTime(ids[i]);
            if (t < 0 || infos[i] == null) continue;
            cpu.put(ids[i], t);
            broker.put(ids[i], isBroker(ids[i], infos[i].getThreadName()));
        }
        return new Snapshot(cpu, broker);
    }

    /** Thread CPU at one instant. */
    record Snapshot(Map<Long, Long> cpu, Map<Long, Boolean> broker) {

        /** CPU seconds since {@code before}: [broker, others]. Threads that ended in between are not counted. */
        double[] since(Snapshot before) {
            double b = 0;
            double o = 0;
            for (Map.Entry<Long, Long> e : cpu.entrySet()) {
                long delta = e.getValue() - before.cpu.getOrDefault(e.getKey(), 0L);
                if (Boolean.TRUE.equals(broker.get(e.getKey()))) b += delta; else o += delta;
            }
            return new double[] {b / 1e9, o / 1e9};
        }
    }
}
