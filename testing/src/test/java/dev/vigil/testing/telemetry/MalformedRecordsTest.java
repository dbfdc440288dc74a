package dev.vigil.testing.telemetry;

import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MalformedRecordsTest {

    private static final TelemetryEvent TEMPLATE = TelemetryFixtures.processLaunch("acme", "ACME-WS-001",
            TelemetryFixtures.eventId("template"), TelemetryFixtures.DEFAULT_TIME,
            "C:\\Windows\\System32\\notepad.exe", null, TelemetryFixtures.sha256Hex("n"), "jdoe",
            "C:\\Windows\\explorer.exe");

    @Test
    void byteLevelRecordsFailToDecodeAsLabelled() {
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            MalformedRecord random = MalformedRecords.randomBytes("acme", "ACME-WS-001", r);
            assertThat(random.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThatThrownBy(() -> decode(random.value())).isNotInstanceOf(MissingSchemaException.class);

            MalformedRecord truncated = MalformedRecords.truncated(TEMPLATE, r);
            assertThat(truncated.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThat(truncated.value()).hasSizeLessThan(VigilTopics.encode(TEMPLATE).length);
            assertThat(truncated.value()[0]).isEqualTo((byte) 0xC3); // header intact: the body is what fails
            assertThatThrownBy(() -> decode(truncated.value()))
                    .isNotInstanceOf(MissingSchemaException.class).isNotInstanceOf(BadHeaderException.class);

            MalformedRecord unknown = MalformedRecords.unknownSchema(TEMPLATE, r);
            assertThat(unknown.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
            assertThatThrownBy(() -> decode(unknown.value())).isInstanceOf(MissingSchemaException.class);
        }
    }

    @Test
    void oversizeRecordIsValidButOverTheJobsLimitAndUnderKafkasDefault() throws Exception {
        MalformedRecord big = MalformedRecords.oversize(TEMPLATE, new Random(2));
        assertThat(big.reason()).isEqualTo(DeadLetterReason.OVERSIZE);
        assertThat(big.value().length).isGreaterThan(MalformedRecords.MAX_RECORD_BYTES);
        assertThat(big.value().length).isLessThan(1024 * 1024);
        assertThat(decode(big.value()).getEventId()).isEqualTo(TEMPLATE.getEventId());
    }

    @Test
    void fieldLevelRecordsDecodeButBreakARule() throws Exception {
        assertThat(decode(MalformedRecords.emptyEventId(TEMPLATE).value()).getEventId()).isEmpty();
        assertThat(decode(MalformedRecords.impossibleTimestamp(TEMPLATE, false).value()).getEventTime())
                .isEqualTo(Instant.parse("1970-01-01T00:00:07Z"));
        assertThat(decode(MalformedRecords.impossibleTimestamp(TEMPLATE, true).value()).getEventTime())
                .isEqualTo(Instant.parse("3000-01-01T00:00:00Z"));
        MalformedRecord mismatch = MalformedRecords.tenantMismatch(TEMPLATE, "globex");
        assertThat(mismatch.topic()).isEqualTo("telemetry.globex");
        assertThat(new String(mismatch.key(), StandardCharsets.UTF_8)).isEqualTo("globex/ACME-WS-001");
        assertThat(decode(mismatch.value()).getTenantId()).isEqualTo("acme");
    }

    @Test
    void oneOfEachCoversAllSixReasonsAndMatchesTheReferenceClassifier() {
        List<MalformedRecord> all = MalformedRecords.oneOfEach(TEMPLATE, "globex", 5);
        assertThat(all).extracting(MalformedRecord::reason).containsExactlyInAnyOrderElementsOf(List.of(
                DeadLetterReason.UNDECODABLE, DeadLetterReason.UNDECODABLE, DeadLetterReason.UNKNOWN_SCHEMA,
                DeadLetterReason.OVERSIZE, DeadLetterReason.MISSING_FIELD, DeadLetterReason.IMPOSSIBLE_TIMESTAMP,
                DeadLetterReason.IMPOSSIBLE_TIMESTAMP, DeadLetterReason.TENANT_MISMATCH));
        for (MalformedRecord m : all) assertThat(classify(m)).as(m.toString()).isEqualTo(m.reason());
        // The decodable ones do not share an event id.
        assertThat(all.stream().map(m -> {
            try {
                return decode(m.value()).getEventId();
            } catch (Exception e) {
                return "undecodable-" + System.identityHashCode(m);
            }
        }).distinct().count()).isEqualTo(all.size());
    }

    @Test
    void generatorRotatesThroughEveryReasonAndTenant() {
        TelemetryGenerator g = TelemetryGenerator.withSeed(11);
        g.next(100);
        List<MalformedRecord> records = new ArrayList<>();
        for (int i = 0; i < 24; i++) records.add(g.nextMalformed());
        Set<DeadLetterReason> reasons = EnumSet.noneOf(DeadLetterReason.class);
        for (MalformedRecord m : records) {
            reasons.add(m.reason());
            assertThat(classify(m)).as(m.toString()).isEqualTo(m.reason());
            assertThat(m.topic()).isEqualTo("telemetry." + m.tenant());
            assertThat(new String(m.key(), StandardCharsets.UTF_8)).startsWith(m.tenant() + "/");
        }
        assertThat(reasons).containsExactlyInAnyOrder(DeadLetterReason.UNDECODABLE, DeadLetterReason.UNKNOWN_SCHEMA,
                DeadLetterReason.OVERSIZE, DeadLetterReason.MISSING_FIELD, DeadLetterReason.IMPOSSIBLE_TIMESTAMP,
                DeadLetterReason.TENANT_MISMATCH);
        assertThat(records).extracting(MalformedRecord::tenant).containsAll(TelemetryGenerator.DEFAULT_TENANTS);
        assertThat(g.eventsGenerated()).isEqualTo(100); // malformed records are not events
    }

    @Test
    void generatorProducesOnlyTheConfiguredReasons() {
        TelemetryGenerator g = TelemetryGenerator.builder()
                .malformedReasons(EnumSet.of(DeadLetterReason.OVERSIZE, DeadLetterReason.TENANT_MISMATCH)).build();
        Set<DeadLetterReason> seen = EnumSet.noneOf(DeadLetterReason.class);
        for (int i = 0; i < 6; i++) seen.add(g.nextMalformed().reason());
        assertThat(seen).containsExactlyInAnyOrder(DeadLetterReason.OVERSIZE, DeadLetterReason.TENANT_MISMATCH);
    }

    @Test
    void singleTenantGeneratorStillMakesATenantMismatch() {
        TelemetryGenerator g = TelemetryGenerator.builder().tenants("solo").build();
        for (int i = 0; i < 8; i++) {
            MalformedRecord m = g.nextMalformed();
            assertThat(classify(m)).isEqualTo(m.reason());
        }
    }

    /** What the job is expected to do, as a reference: size, then decode, then field rules, then tenant. */
    static DeadLetterReason classify(MalformedRecord m) {
        byte[] v = m.value();
        if (v.length > MalformedRecords.MAX_RECORD_BYTES) return DeadLetterReason.OVERSIZE;
        TelemetryEvent e;
        try {
            e = decode(v);
        } catch (MissingSchemaException ex) {
            return DeadLetterReason.UNKNOWN_SCHEMA;
        } catch (Exception ex) {
            return DeadLetterReason.UNDECODABLE;
        }
        if (e.getEventId().isEmpty() || e.getSensorId().isEmpty() || e.getHost().getName().isEmpty()) {
            return DeadLetterReason.MISSING_FIELD;
        }
        if (e.getEventTime().isBefore(Instant.parse("2000-01-01T00:00:00Z"))
                || e.getEventTime().isAfter(Instant.now().plusSeconds(86400L * 365))) {
            return DeadLetterReason.IMPOSSIBLE_TIMESTAMP;
        }
        String topicTenant = m.topic().substring(VigilTopics.TELEMETRY_PREFIX.length());
        if (e.getTenantId() != null && !e.getTenantId().equals(topicTenant)) return DeadLetterReason.TENANT_MISMATCH;
        return null;
    }

    static TelemetryEvent decode(byte[] bytes) throws Exception {
        return TelemetryEvent.fromByteBuffer(ByteBuffer.wrap(bytes));
    }
}
