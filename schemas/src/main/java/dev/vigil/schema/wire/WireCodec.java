package dev.vigil.schema.wire;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding ({@code C3 01}, the writer schema's CRC-64-AVRO fingerprint, the
 * binary body) for one record type, reading every writer version in {@link SchemaHistory}.
 *
 * <p>Serializable so Flink functions can hold one; the Avro encoder and decoder are rebuilt
 * lazily after deserialization. Thread-safe as Avro's message codecs are.
 */
public final class WireCodec<T extends SpecificRecordBase> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient BinaryMessageEncoder<T> encoder;
    private transient BinaryMessageDecoder<T> decoder;

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
            ByteBuffer buffer = encoder().encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode " + type.getSimpleName(), e);
        }
    }

    /**
     * Decodes one record.
     *
     * @throws org.apache.avro.message.BadHeaderException if the bytes are not single-object encoded
     * @throws org.apache.avro.message.MissingSchemaException if the writer schema is not known
     * @throws IOException if the body does not match the writer schema
     */
    public T decode(byte[] bytes) throws IOException {
        return decoder().decode(bytes);
    }

    private BinaryMessageEncoder<T> encoder() {
        if (encoder == null) {
            SpecificData model = SpecificData.getForClass(type);
            encoder = new BinaryMessageEncoder<>(model, schema());
        }
        return encoder;
    }

    private BinaryMessageDecoder<T> decoder() {
        if (decoder == null) {
            SpecificData model = SpecificData.getForClass(type);
            BinaryMessageDecoder<T> d = new BinaryMessageDecoder<>(model, schema());
            for (Schema writer : SchemaHistory.versions(type.getSimpleName())) {
                d.addSchema(writer);
            }
            decoder = d;
        }
        return decoder;
    }

    private Schema schema() {
        return SpecificData.get().getSchema(type);
    }
}
