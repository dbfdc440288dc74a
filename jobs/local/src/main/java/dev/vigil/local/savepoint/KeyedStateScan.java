package dev.vigil.local.savepoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.SnappyStreamCompressionDecorator;
import org.apache.flink.runtime.state.StreamCompressionDecorator;
import org.apache.flink.runtime.state.UncompressedStreamCompressionDecorator;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

/**
 * Reads one keyed-state handle of a savepoint: the states it declares (name, kind, serializer) and, for
 * the canonical format every backend writes, the entries and bytes of each state.
 *
 * <p>The canonical format (FLIP-41) is a serialization proxy with the state meta data, then per key
 * group: a short state id, length-prefixed (key, value) pairs where the first key byte's top bit marks
 * the last pair before the next state id, and 0xFFFF at the end of the key group. Native RocksDB
 * savepoints are SST files; for them only the declared states and the handle's total size are known.
 */
final class KeyedStateScan {

    private static final int END_OF_KEY_GROUP_MARK = 0xFFFF;
    private static final int META_DATA_FOLLOWS_FLAG = 0x80;

    /** Per state of one handle: its meta data and what the scan counted (-1 when not countable). */
    record Scanned(StateMetaInfoSnapshot meta, long entries, long bytes) {}

    private KeyedStateScan() {}

    static List<Scanned> scan(KeyedStateHandle handle, ClassLoader classLoader) throws IOException {
        if (handle instanceof KeyGroupsStateHandle groups) {
            return scanCanonical(groups, classLoader);
        }
        if (handle instanceof IncrementalKeyedStateHandle incremental) {
            try (FSDataInputStream in = incremental.getMetaDataStateHandle().openInputStream()) {
                return readProxy(new DataInputViewStreamWrapper(in), classLoader).getStateMetaInfoSnapshots().stream()
                        .map(meta -> new Scanned(meta, -1, -1)).toList();
            }
        }
        throw new IOException("unsupported keyed state handle " + handle.getClass().getName());
    }

    private static List<Scanned> scanCanonical(KeyGroupsStateHandle handle, ClassLoader classLoader) throws IOException {
        try (FSDataInputStream in = handle.openInputStream()) {
            KeyedBackendSerializationProxy<?> proxy = readProxy(new DataInputViewStreamWrapper(in), classLoader);
            List<StateMetaInfoSnapshot> metas = proxy.getStateMetaInfoSnapshots();
            StreamCompressionDecorator compression = proxy.isUsingKeyGroupCompression()
                    ? SnappyStreamCompressionDecorator.INSTANCE
                    : UncompressedStreamCompressionDecorator.INSTANCE;
            long[] entries = new long[metas.size()];
            long[] bytes = new long[metas.size()];
            for (Tuple2<Integer, Long> keyGroup : handle.getGroupRangeOffsets()) {
                long offset = keyGroup.f1;
                if (offset == 0L) {
                    continue; // the key group holds no state
                }
                in.seek(offset);
                InputStream decompressed = compression.decorateWithCompression(in);
                scanKeyGroup(new DataInputViewStreamWrapper(decompressed), entries, bytes, handle);
            }
            List<Scanned> scanned = new ArrayList<>(metas.size());
            for (int i = 0; i < metas.size(); i++) {
                scanned.add(new Scanned(metas.get(i), entries[i], bytes[i]));
            }
            return scanned;
        }
    }

    private static void scanKeyGroup(DataInputView in, long[] entries, long[] bytes, KeyGroupsStateHandle handle)
            throws IOException {
        int stateId = in.readUnsignedShort();
        while (stateId != END_OF_KEY_GROUP_MARK) {
            if (stateId >= entries.length) {
                throw new IOException("state id " + stateId + " out of range in " + handle);
            }
            boolean last;
            do {
                int keyLength = in.readInt();
                byte first = in.readByte();
                in.skipBytesToRead(keyLength - 1);
                int valueLength = in.readInt();
                in.skipBytesToRead(valueLength);
                entries[stateId]++;
                bytes[stateId] += 8L + keyLength + valueLength;
                last = (first & META_DATA_FOLLOWS_FLAG) != 0;
            } while (!last);
            stateId = in.readUnsignedShort();
        }
    }

    private static KeyedBackendSerializationProxy<?> readProxy(DataInputView in, ClassLoader classLoader) throws IOException {
        KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(classLoader);
        proxy.read(in);
        return proxy;
    }
}
