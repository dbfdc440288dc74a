package dev.vigil.local.savepoint;

import java.util.List;

/**
 * What a savepoint holds, operator by operator: the answer of {@code ./vigil savepoint inspect}.
 *
 * @param path the savepoint as given
 * @param checkpointId the id of the checkpoint the savepoint was taken at
 * @param totalBytes bytes of all operators' state
 * @param operators every operator the savepoint records, in the order of the manifest, then unknown ones
 */
public record SavepointReport(String path, long checkpointId, long totalBytes, List<Operator> operators) {

    public SavepointReport(String path, long checkpointId, List<Operator> operators) {
        this(path, checkpointId, operators.stream().mapToLong(Operator::bytes).sum(), List.copyOf(operators));
    }

    /**
     * One operator's state.
     *
     * @param uid the operator's uid, or null when neither the savepoint nor the manifest names it
     * @param uidSource where the uid came from: {@code savepoint} (recorded by Flink), {@code manifest}
     *     (the uid manifest's uid hashes to this operator id) or {@code unknown}
     * @param operatorId the operator id Flink keys the state by (the hash of the uid)
     * @param name the operator's name when the savepoint records it
     * @param parallelism parallelism at the time of the savepoint
     * @param maxParallelism max parallelism (key groups); keyed state can be restored up to this parallelism
     * @param bytes the operator's state size in bytes
     * @param states the named states, keyed and operator, and the coordinator's
     */
    public record Operator(String uid, String uidSource, String operatorId, String name, int parallelism, int maxParallelism,
            long bytes, List<State> states) {}

    /**
     * One named state of an operator.
     *
     * @param name the state's name (as in its descriptor)
     * @param kind {@code keyed value|list|map|reducing|aggregating}, {@code keyed timers}, {@code operator split|union},
     *     {@code broadcast} or {@code coordinator}
     * @param type the serializer of the values, e.g. {@code Avro dev.vigil.schema.internal.FindingWindow}
     * @param bytes bytes of this state summed over subtasks, or -1 where the format does not say (native RocksDB files)
     * @param entries number of entries (keyed state: keys x namespaces; timers: timers), or -1 when unknown
     */
    public record State(String name, String kind, String type, long bytes, long entries) {}
}
