package dev.vigil.jobs.detection.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.internal.DecodedRecord;
import dev.vigil.testing.telemetry.MalformedRecords;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;
import dev.vigil.testing.telemetry.TelemetryFixtures;
import dev.vigil.testing.telemetry.VigilTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryDecoderTest {

    private static final long RECORD_TIME = TelemetryFixtures.DEFAULT_TIME.toEpochMilli();
    private final TelemetryDecoder decoder = new TelemetryDecoder(MalformedRecords.MAX_RECORD_BYTES, Duration.ofHours(1));

    private static TelemetryEvent valid(String tenant) {
        return TelemetryFixtures.authentication(tenant, "dc-01", "evt-1", TelemetryFixtures.DEFAULT_TIME, "alice",
                dev.vigil.schema.AuthOutcome.FAILURE, "198.51.100.7", "3");
    }

    @Test
    void decodesAValidEventAndStampsTheTopicsTenant() {
        TelemetryEvent event = valid("acme");
        event.setTenantId(null);
        DecodedRecord r = decoder.decode("telemetry.acme", 0, 7, key("acme/dc-01"), VigilTopics.encode(event), RECORD_TIME);
        assertThat(r.getDeadLetter()).isNull();
        assertThat(r.getEvent().getTenantId()).isEqualTo("acme");
        assertThat(r.getEvent().getEventId()).isEqualTo("evt-1");
    }

    @Test
    void takesTheTenantFromTheKeyOnlyOnATopicThatNamesNone() {
        DecodedRecord r = decoder.decode("telemetry", 0, 1, key("globex/host-9"), VigilTopics.encode(valid("globex")), RECORD_TIME);
        assertThat(r.getEvent().getTenantId()).isEqualTo("globex");

        DecodedRecord none = decoder.decode("telemetry", 0, 2, null, VigilTopics.encode(valid("globex")), RECORD_TIME);
        assertThat(none.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MISSING_TENANT);
    }

    @Test
    void everyMalformedRecordIsDeadLetteredWithItsReasonAndOriginalBytes() {
        List<MalformedRecord> malformed = MalformedRecords.oneOfEach(valid("acme"), "globex", 42L);
        assertThat(malformed).extracting(MalformedRecord::reason).contains(DeadLetterReason.UNDECODABLE,
                DeadLetterReason.UNKNOWN_SCHEMA, DeadLetterReason.OVERSIZE, DeadLetterReason.MISSING_FIELD,
                DeadLetterReason.IMPOSSIBLE_TIMESTAMP, DeadLetterReason.TENANT_MISMATCH);
        long offset = 100;
        for (MalformedRecord m : malformed) {
            DecodedRecord r = decoder.decode(m.topic(), 3, offset, m.key(), m.value(), RECORD_TIME);
            assertThat(r.getEvent()).as(m.description()).isNull();
            assertThat(r.getDeadLetter().getReason()).as(m.description()).isEqualTo(m.reason());
            assertThat(r.getDeadLetter().getOriginalValue().array()).isEqualTo(m.value());
            assertThat(r.getDeadLetter().getTopic()).isEqualTo(m.topic());
            assertThat(r.getDeadLetter().getPartition()).isEqualTo(3);
            assertThat(r.getDeadLetter().getOffset()).isEqualTo(offset++);
            assertThat(r.getDeadLetter().getMessage()).isNotBlank();
        }
    }

    @Test
    void anEventTooFarAheadOfItsRecordTimestampIsImpossible() {
        TelemetryEvent event = valid("acme");
        event.setEventTime(TelemetryFixtures.DEFAULT_TIME.plus(Duration.ofHours(2)));
        DecodedRecord r = decoder.decode("telemetry.acme", 0, 1, null, VigilTopics.encode(event), RECORD_TIME);
        assertThat(r.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.IMPOSSIBLE_TIMESTAMP);
    }

    @Test
    void tombstonesAndInvalidTenantTopicsAreDeadLettered() {
        assertThat(decoder.decode("telemetry.acme", 0, 1, null, null, RECORD_TIME).getDeadLetter().getReason())
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(decoder.decode("telemetry.a/b", 0, 1, null, VigilTopics.encode(valid("acme")), RECORD_TIME)
                .getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MISSING_TENANT);
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }
}
