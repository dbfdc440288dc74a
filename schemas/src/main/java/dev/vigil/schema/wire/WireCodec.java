package dev.vigil.schema.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding ({@code C3 01}, the writer schema's CRC-64-AVRO fingerprint little-endian,
 * the binary body) for one record type, reading every writer version in {@link SchemaHistory}.
 *
 * <p>The bytes are exactly those of Avro's {@code BinaryMessageEncoder}, and decoding throws the same
 * {@link BadHeaderException} / {@link MissingSchemaException}. It does not use those classes because
 * they encode through a synchronized stream one primitive at a time and decode through an
 * {@code InputStream}: on the job's hot path (every event decoded, every output encoded) that was a
 * measurable share of the CPU. Here each thread reuses a buffered encoder over its own growable
 * array, and decoding reads the array directly.
 *
 * <p>Serializable so Flink functions can hold one; the Avro state is rebuilt lazily after
 * deserialization. Thread-safe: the reusable buffers are per thread.
 */
public final class WireCodec<T extends SpecificRecordBase> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final Class<T> type;
    private transient volatile Codec<T> codec;

    private WireCodec(Class<T> type) {
        this.type = type;
    }

    public static <T extends SpecificRecordBase> WireCodec<T> of(Class<T> type) {
        return new WireCodec<>(type);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        try {
            return codec().encode(record);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode " + type.getSimpleName(), e);
        }
    }

    /**
     * Decodes one record.
     *
     * @throws BadHeaderException if the bytes are not single-object encoded
     * @throws MissingSchemaException if the writer schema is not known
     * @throws IOException if the body does not match the writer schema
     */
    public T decode(byte[] bytes) throws IOException {
        return codec().decode(bytes);
    }

    private Codec<T> codec() {
        Codec<T> c = codec;
        if (c == null) {
            c = new Codec<>(type);
            codec = c;
        }
        return c;
    }

    /** The schema-derived, immutable part plus per-thread buffers. */
    private static final class Codec<T extends SpecificRecordBase> {
        private final byte[] header;
        private final SpecificDatumWriter<T> writer;
        /** Readers by writer-schema fingerprint; read-only after construction. */
        private final Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();
        private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

        Codec(Class<T> type) {
            SpecificData model = SpecificData.getForClass(type);
            Schema schema = model.getSchema(type);
            long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
            header = new byte[HEADER_LENGTH];
            header[0] = MARKER_0;
            header[1] = MARKER_1;
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (fingerprint >>> (8 * i));
            }
            writer = new SpecificDatumWriter<>(schema, model);
            readers.put(fingerprint, new SpecificDatumReader<>(schema, schema, model));
            for (Schema version : SchemaHistory.versions(type.getSimpleName())) {
                readers.putIfAbsent(SchemaNormalization.parsingFingerprint64(version),
                        new SpecificDatumReader<>(version, schema, model));
            }
        }

        byte[] encode(T record) throws IOException {
            Buffers b = buffers.get();
            b.out.reset();
            b.out.write(header, 0, HEADER_LENGTH);
            b.encoder = EncoderFactory.get().binaryEncoder(b.out, b.encoder);
            writer.write(record, b.encoder);
            b.encoder.flush();
            byte[] bytes = b.out.toByteArray();
            b.out.shrinkIfLarge();
            return bytes;
        }

        T decode(byte[] bytes) throws IOException {
            if (bytes.length < HEADER_LENGTH) {
                throw new BadHeaderException("Not enough header bytes");
            }
            if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
                throw new BadHeaderException("Unrecognized header bytes: 0x" + HexFormat.of().formatHex(bytes, 0, 2));
            }
            long fingerprint = 0;
            for (int i = 7; i >= 0; i--) {
                fingerprint = (fingerprint << 8) | (bytes[2 + i] & 0xFFL);
            }
            SpecificDatumReader<T> reader = readers.get(fingerprint);
            if (reader == null) {
                throw new MissingSchemaException("Cannot resolve schema for fingerprint: " + fingerprint);
            }
            Buffers b = buffers.get();
            b.decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, b.decoder);
            return reader.read(null, b.decoder);
        }
    }

    /** One thread's reusable encoder, decoder and output array. */
    private static final class Buffers {
        final GrowableBytes out = new GrowableBytes();
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    /** A ByteArrayOutputStream without its per-call lock. */
    private static final class GrowableBytes extends OutputStream {
        private static final int INITIAL = 1024;
        /** A thread keeps a buffer up to this size; one grown by a rare huge record is dropped after it. */
        private static final int KEPT = 64 * 1024;

        private byte[] bytes = new byte[INITIAL];
        private int size;

        void shrinkIfLarge() {
            if (bytes.length > KEPT) {
                bytes = new byte[INITIAL];
            }
        }

        void reset() {
            size = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}
