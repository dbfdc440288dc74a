package dev.vigil.jobs.detection.sink;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.TelemetryEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Buckets the archive as {@code tenant=<t>/date=<yyyy-mm-dd>/hour=<hh>} by event time (UTC): one
 * tenant's data never shares a file with another's, and query engines prune by tenant and time.
 * The tenant is the one the job stamped from the Kafka topic, validated as a path segment.
 */
public final class TenantHourBucketAssigner implements BucketAssigner<EnrichedEvent, String> {

    private static final long serialVersionUID = 1L;

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'date='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    // The last bucket per tenant is cached: consecutive events mostly share tenant and hour.
    private transient String lastTenant;
    private transient long lastHour = Long.MIN_VALUE;
    private transient String lastBucket;

    @Override
    public String getBucketId(EnrichedEvent element, BucketAssigner.Context context) {
        TelemetryEvent event = element.getEvent();
        long hour = Math.floorDiv(event.getEventTime().toEpochMilli(), 3_600_000L);
        String tenant = event.getTenantId();
        if (hour != lastHour || !tenant.equals(lastTenant)) {
            lastBucket = "tenant=" + tenant + "/" + HOUR.format(Instant.ofEpochMilli(hour * 3_600_000L));
            lastTenant = tenant;
            lastHour = hour;
        }
        return lastBucket;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

}
