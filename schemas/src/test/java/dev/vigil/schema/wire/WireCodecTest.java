package dev.vigil.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.Host;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.TelemetryEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    private final WireCodec<TelemetryEvent> codec = WireCodec.of(TelemetryEvent.class);

    @Test
    void bytesAreAvroSingleObjectEncodingBothWays() throws Exception {
        TelemetryEvent event = event(1, 40);
        BinaryMessageEncoder<TelemetryEvent> avroEncoder =
                new BinaryMessageEncoder<>(SpecificData.getForClass(TelemetryEvent.class), TelemetryEvent.getClassSchema());
        byte[] ours = codec.encode(event);
        assertThat(ours).isEqualTo(toArray(avroEncoder.encode(event)));
        assertThat(new BinaryMessageDecoder<TelemetryEvent>(SpecificData.getForClass(TelemetryEvent.class),
                TelemetryEvent.getClassSchema()).decode(ours)).isEqualTo(event);
        assertThat(codec.decode(toArray(avroEncoder.encode(event)))).isEqualTo(event);
    }

    @Test
    void reusedBuffersNeverLeakOneRecordIntoTheNext() throws Exception {
        // A large record grows the thread's buffer; the small one after it must come out exactly.
        TelemetryEvent large = event(2, 5_000); // past the 64 KB a thread keeps
        TelemetryEvent small = event(3, 0);
        byte[] largeBytes = codec.encode(large);
        byte[] smallBytes = codec.encode(small);
        assertThat(smallBytes.length).isLessThan(largeBytes.length);
        assertThat(codec.decode(smallBytes)).isEqualTo(small);
        assertThat(codec.decode(largeBytes)).isEqualTo(large);
    }

    @Test
    void headerProblemsAreBadHeaders() {
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3, 0x01, 0x00}))
                .isInstanceOf(BadHeaderException.class).hasMessageContaining("Not enough header bytes");
        byte[] wrongMarker = codec.encode(event(4, 1));
        wrongMarker[1] = 0x02;
        assertThatThrownBy(() -> codec.decode(wrongMarker))
                .isInstanceOf(BadHeaderException.class).hasMessageContaining("0xc302");
    }

    @Test
    void truncatedBodyIsAnIoError() {
        byte[] bytes = codec.encode(event(5, 10));
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 20);
        assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void threadsShareOneCodecSafely() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2_000; i++) {
                        TelemetryEvent e = event(thread * 10_000 + i, i % 50);
                        if (codec.decode(codec.encode(e)).equals(e)) ok++;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> r : results) assertThat(r.get()).isEqualTo(2_000);
        } finally {
            pool.shutdownNow();
        }
    }

    private static TelemetryEvent event(int n, int rawFields) {
        Map<String, String> raw = new HashMap<>();
        for (int i = 0; i < rawFields; i++) raw.put("Field" + i, "value-" + n + "-" + i);
        return TelemetryEvent.newBuilder()
                .setTenantId("acme").setEventId("e-" + n)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + n))
                .setIngestTime(Instant.ofEpochMilli(1_700_000_000_050L + n))
                .setSensorId("s-1").setHost(Host.newBuilder().setName("ws-" + n).build())
                .setActivity(ProcessActivity.newBuilder().setAction(dev.vigil.schema.ProcessAction.LAUNCH)
                        .setProcess(ProcessRef.newBuilder().setPid((long) n).setImagePath("C:\\Windows\\cmd.exe").build())
                        .build())
                .setRaw(raw)
                .build();
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
