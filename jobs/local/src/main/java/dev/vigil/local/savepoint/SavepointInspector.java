package dev.vigil.local.savepoint;

import dev.vigil.jobs.detection.UidManifest;
import dev.vigil.local.savepoint.SavepointReport.Operator;
import dev.vigil.local.savepoint.SavepointReport.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorBackendSerializationProxy;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot.BackendStateType;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot.CommonOptionsKeys;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot.CommonSerializerKeys;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;

/**
 * Reads a savepoint's metadata with the State Processor API and describes every operator's state:
 * uid, state names with their kind and serializer, entries and bytes. Operators are named by the uid
 * Flink recorded in the savepoint, or else by the uid manifest (a uid's operator id is its hash).
 * Reads any path Flink's file systems can: local directories, {@code file://} and {@code s3://}.
 */
public final class SavepointInspector {

    private final UidManifest manifest;
    private final ClassLoader classLoader;

    public SavepointInspector(UidManifest manifest) {
        this.manifest = manifest;
        this.classLoader = SavepointInspector.class.getClassLoader();
    }

    /** Everything the savepoint at {@code path} (its directory or its {@code _metadata} file) holds. */
    public SavepointReport inspect(String path) throws IOException {
        CheckpointMetadata metadata = loadMetadata(path);
        Map<OperatorID, String> manifestUids = new HashMap<>();
        Map<String, Integer> manifestOrder = new HashMap<>();
        List<String> known = new ArrayList<>(manifest.uids().keySet());
        known.addAll(manifest.retired().keySet());
        for (String uid : known) {
            manifestUids.put(OperatorIdentifier.forUid(uid).getOperatorId(), uid);
            manifestOrder.putIfAbsent(uid, manifestOrder.size());
        }
        List<Operator> operators = new ArrayList<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            String recorded = state.getOperatorUid().filter(u -> !u.isEmpty()).orElse(null);
            String fromManifest = manifestUids.get(state.getOperatorID());
            String uid = recorded != null ? recorded : fromManifest;
            String source = recorded != null ? "savepoint" : fromManifest != null ? "manifest" : "unknown";
            operators.add(new Operator(uid, source, state.getOperatorID().toHexString(), state.getOperatorName().orElse(null),
                    state.getParallelism(), state.getMaxParallelism(), state.getStateSize(), states(state)));
        }
        operators.sort(Comparator.comparing((Operator o) -> o.uid() == null ? Integer.MAX_VALUE
                : manifestOrder.getOrDefault(o.uid(), Integer.MAX_VALUE - 1)).thenComparing(Operator::operatorId));
        return new SavepointReport(path, metadata.getCheckpointId(), operators);
    }

    private CheckpointMetadata loadMetadata(String path) throws IOException {
        // The loader resolves classes (serializer snapshots) through the context class loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        try {
            return SavepointLoader.loadSavepointMetadata(path);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private List<State> states(OperatorState operator) throws IOException {
        Map<String, StateTotal> totals = new LinkedHashMap<>();
        long rawKeyed = 0;
        long rawOperator = 0;
        for (OperatorSubtaskState subtask : operator.getStates()) {
            for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                for (KeyedStateScan.Scanned scanned : KeyedStateScan.scan(handle, classLoader)) {
                    StateMetaInfoSnapshot meta = scanned.meta();
                    totals.computeIfAbsent(meta.getName(), n -> new StateTotal(keyedKind(meta), valueType(meta)))
                            .add(scanned.bytes(), scanned.entries());
                }
            }
            for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                addOperatorState(handle, totals);
            }
            rawKeyed += size(subtask.getRawKeyedState());
            rawOperator += size(subtask.getRawOperatorState());
        }
        List<State> states = new ArrayList<>();
        totals.forEach((name, t) -> states.add(new State(name, t.kind, t.type, t.bytes, t.entries)));
        if (rawKeyed > 0) states.add(new State("(raw keyed state)", "raw keyed", "", rawKeyed, -1));
        if (rawOperator > 0) states.add(new State("(raw operator state)", "raw operator", "", rawOperator, -1));
        if (operator.getCoordinatorState() != null) {
            states.add(new State("(coordinator)", "coordinator", "", operator.getCoordinatorState().getStateSize(), -1));
        }
        return states;
    }

    /** Operator (list, union, broadcast) state: names and modes from the handle, serializers from the stream's header. */
    private void addOperatorState(OperatorStateHandle handle, Map<String, StateTotal> totals) throws IOException {
        Map<String, String> types = new HashMap<>();
        try (FSDataInputStream in = handle.openInputStream()) {
            OperatorBackendSerializationProxy proxy = new OperatorBackendSerializationProxy(classLoader);
            proxy.read(new DataInputViewStreamWrapper(in));
            for (StateMetaInfoSnapshot meta : proxy.getOperatorStateMetaInfoSnapshots()) {
                types.put(meta.getName(), valueType(meta));
            }
            for (StateMetaInfoSnapshot meta : proxy.getBroadcastStateMetaInfoSnapshots()) {
                types.put(meta.getName(), type(meta.getTypeSerializerSnapshot(CommonSerializerKeys.KEY_SERIALIZER)) + " -> "
                        + valueType(meta));
            }
            // A partition's bytes run from its offset to the next partition's offset (or the end of the stream).
            long streamSize = handle.getDelegateStateHandle().getStateSize();
            long[] all = handle.getStateNameToPartitionOffsets().values().stream()
                    .flatMapToLong(info -> Arrays.stream(info.getOffsets())).sorted().toArray();
            for (Map.Entry<String, OperatorStateHandle.StateMetaInfo> e : handle.getStateNameToPartitionOffsets().entrySet()) {
                OperatorStateHandle.StateMetaInfo info = e.getValue();
                long bytes = 0;
                for (long offset : info.getOffsets()) {
                    int next = Arrays.binarySearch(all, offset) + 1;
                    while (next < all.length && all[next] == offset) next++;
                    bytes += (next < all.length ? all[next] : streamSize) - offset;
                }
                String kind;
                long entries;
                switch (info.getDistributionMode()) {
                    case BROADCAST -> {
                        kind = "broadcast";
                        entries = 0;
                        for (long offset : info.getOffsets()) { // a broadcast map starts with its size
                            in.seek(offset);
                            entries += new DataInputViewStreamWrapper(in).readInt();
                        }
                    }
                    case UNION -> {
                        kind = "operator union";
                        entries = info.getOffsets().length;
                    }
                    default -> {
                        kind = "operator list";
                        entries = info.getOffsets().length;
                    }
                }
                totals.computeIfAbsent(e.getKey(), n -> new StateTotal(kind, types.getOrDefault(n, ""))).add(bytes, entries);
            }
        }
    }

    private static String keyedKind(StateMetaInfoSnapshot meta) {
        if (meta.getBackendStateType() == BackendStateType.PRIORITY_QUEUE) {
            return "keyed timers";
        }
        String type = meta.getOption(CommonOptionsKeys.KEYED_STATE_TYPE);
        return "keyed " + (type == null ? "state" : type.toLowerCase(Locale.ROOT));
    }

    private String valueType(StateMetaInfoSnapshot meta) {
        return type(meta.getTypeSerializerSnapshot(CommonSerializerKeys.VALUE_SERIALIZER));
    }

    /** A readable name of a state's serializer: the Avro record for Avro state, else the serializer class. */
    private static String type(TypeSerializerSnapshot<?> snapshot) {
        if (snapshot == null) {
            return "";
        }
        try {
            TypeSerializer<?> serializer = snapshot.restoreSerializer();
            if (serializer instanceof AvroSerializer<?> avro) {
                return "Avro " + (GenericRecord.class.equals(avro.getType()) ? "generic record" : avro.getType().getName());
            }
            return serializer.getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            // the serializer's classes are not on this classpath: name the snapshot instead
            return snapshot.getClass().getSimpleName();
        }
    }

    private static long size(Iterable<? extends StateObject> handles) {
        long bytes = 0;
        for (StateObject handle : handles) bytes += handle.getStateSize();
        return bytes;
    }

    /** One named state summed over subtasks. */
    private static final class StateTotal {
        final String kind;
        final String type;
        long bytes;
        long entries;

        StateTotal(String kind, String type) {
            this.kind = kind;
            this.type = type;
        }

        void add(long moreBytes, long moreEntries) {
            bytes = bytes < 0 || moreBytes < 0 ? -1 : bytes + moreBytes;
            if (entries < 0 || moreEntries < 0) {
                entries = -1;
            } else {
                // every subtask stores a full copy of broadcast state
                entries = kind.equals("broadcast") ? Math.max(entries, moreEntries) : entries + moreEntries;
            }
        }
    }
}
