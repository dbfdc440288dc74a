package dev.vigil.jobs.detection.enrich;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Attaches the reputation verdicts of an event's indicators, from a feed broadcast to every task.
 *
 * <p>State: one broadcast map entry per (scope, type, value), scope being {@code *} (global) or a
 * tenant id. The highest version wins and re-applying an update changes nothing, so the feed may
 * be replayed. A tenant-scoped verdict is visible only to that tenant and overrides the global one
 * (a tenant may allowlist what the global feed flags). An entry is ignored by events at or after
 * its expiry, and removed once the feed's own clock ({@code updatedAt}) passes its expiry; using
 * the feed clock, not the wall clock, keeps every parallel instance's state identical, which
 * broadcast state requires.
 */
public final class ReputationEnricher extends BroadcastProcessFunction<TelemetryEvent, ReputationUpdate, EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, ReputationUpdate> REPUTATION_STATE =
            new MapStateDescriptor<>("reputation-verdicts", Types.STRING, new AvroTypeInfo<>(ReputationUpdate.class));

    static final String GLOBAL_SCOPE = "*";

    /**
     * Once something has expired, a sweep runs after this many updates or this much feed time,
     * whichever comes first: a sweep scans the whole map, so it must not run per update.
     */
    static final int SWEEP_EVERY_UPDATES = 1024;

    static final long SWEEP_EVERY_FEED_MILLIS = 60_000L;

    private transient long feedClock;
    private transient long lastSweepClock;
    private transient int updatesSinceSweep;
    /** Earliest expiry in the state; MIN_VALUE (unknown) after a restore forces the first sweep. */
    private transient long nextExpiry;

    @Override
    public void open(OpenContext openContext) {
        nextExpiry = Long.MIN_VALUE;
    }

    @Override
    public void processElement(TelemetryEvent event, ReadOnlyContext ctx, Collector<EnrichedEvent> out) throws Exception {
        List<Indicator> indicators = IndicatorExtractor.indicators(event);
        List<ReputationMatch> matches = List.of();
        if (!indicators.isEmpty()) {
            ReadOnlyBroadcastState<String, ReputationUpdate> state = ctx.getBroadcastState(REPUTATION_STATE);
            long eventTime = event.getEventTime().toEpochMilli();
            String tenantScope = event.getTenantId();
            for (int i = 0, n = indicators.size(); i < n; i++) {
                Indicator indicator = indicators.get(i);
                ReputationUpdate verdict = live(state.get(key(tenantScope, indicator)), eventTime);
                if (verdict == null) {
                    verdict = live(state.get(key(GLOBAL_SCOPE, indicator)), eventTime);
                }
                if (verdict != null) {
                    if (matches.isEmpty()) {
                        matches = new ArrayList<>(2);
                    }
                    matches.add(toMatch(verdict));
                }
            }
        }
        out.collect(new EnrichedEvent(event, matches));
    }

    @Override
    public void processBroadcastElement(ReputationUpdate update, Context ctx, Collector<EnrichedEvent> out) throws Exception {
        BroadcastState<String, ReputationUpdate> state = ctx.getBroadcastState(REPUTATION_STATE);
        String key = key(update.getScope() == null ? GLOBAL_SCOPE : update.getScope(), update.getIndicatorType().name(), update.getValue());
        ReputationUpdate current = state.get(key);
        if (current == null || update.getVersion() > current.getVersion()) {
            state.put(key, update);
        }
        if (update.getExpiresAt() != null) {
            nextExpiry = Math.min(nextExpiry, update.getExpiresAt().toEpochMilli());
        }
        feedClock = Math.max(feedClock, update.getUpdatedAt().toEpochMilli());
        updatesSinceSweep++;
        if (feedClock >= nextExpiry
                && (updatesSinceSweep >= SWEEP_EVERY_UPDATES || feedClock - lastSweepClock >= SWEEP_EVERY_FEED_MILLIS
                        || nextExpiry == Long.MIN_VALUE)) {
            nextExpiry = sweepExpired(state, feedClock);
            updatesSinceSweep = 0;
            lastSweepClock = feedClock;
        }
    }

    /** Removes entries whose expiry the feed clock has passed; returns the earliest remaining expiry. */
    static long sweepExpired(BroadcastState<String, ReputationUpdate> state, long feedClock) throws Exception {
        List<String> expired = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<String, ReputationUpdate> entry : state.entries()) {
            if (entry.getValue().getExpiresAt() == null) {
                continue;
            }
            long expiresAt = entry.getValue().getExpiresAt().toEpochMilli();
            if (expiresAt <= feedClock) {
                expired.add(entry.getKey());
            } else {
                earliest = Math.min(earliest, expiresAt);
            }
        }
        for (String key : expired) {
            state.remove(key);
        }
        return earliest;
    }

    private static ReputationUpdate live(ReputationUpdate verdict, long eventTime) {
        if (verdict == null || (verdict.getExpiresAt() != null && verdict.getExpiresAt().toEpochMilli() <= eventTime)) {
            return null;
        }
        return verdict;
    }

    private static String key(String scope, Indicator indicator) {
        return key(scope, indicator.type().name(), indicator.value());
    }

    static String key(String scope, String type, String value) {
        return scope + '|' + type + '|' + value;
    }

    private static ReputationMatch toMatch(ReputationUpdate u) {
        return new ReputationMatch(u.getIndicatorType(), u.getValue(), u.getVerdict(), u.getScore(), u.getSource(), u.getScope(),
                u.getVersion());
    }
}
