package dev.vigil.jobs.detection;

import dev.vigil.schema.internal.DecodedReputation;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The reputation feed is not on the telemetry's event-time axis. Enrichment takes the minimum
 * watermark of its two inputs, so a feed without watermarks would stall event time (and with it
 * every threshold cleanup timer) forever; this feed declares "nothing later will be older than the
 * end of time" and so never holds telemetry back.
 */
final class ReputationWatermarks {

    private ReputationWatermarks() {}

    static WatermarkStrategy<DecodedReputation> neverHoldBack() {
        return WatermarkStrategy.<DecodedReputation>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(DecodedReputation event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE - 1));
            }
        }).withTimestampAssigner((r, kafkaTimestamp) -> kafkaTimestamp);
    }
}
