package dev.vigil.local.bench;

import dev.vigil.detections.engine.TelemetryFields;
import dev.vigil.schema.TelemetryEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events as Vigil's own sensor would send them: the typed activity, plus only those source fields that
 * have no typed home. The generator's events carry every Sysmon / Windows Security field in {@code raw}
 * as well (866 bytes of Avro on average); a sensor that fills the typed fields has no reason to repeat
 * them, and these events average about 500 bytes, the size the benchmark is specified for.
 *
 * <p>A raw field is dropped only when {@link TelemetryFields}, the view Sigma rules evaluate, answers the
 * same value for it from the typed fields, so every rule sees the same value for every field it names.
 * (Field-less keyword searches, which scan raw values, see fewer values.)
 */
final class NativeSensorShape {

    private NativeSensorShape() {}

    static TelemetryEvent of(TelemetryEvent event) {
        Map<String, String> raw = event.getRaw();
        if (raw == null || raw.isEmpty()) {
            return event;
        }
        TelemetryFields typedOnly = TelemetryFields.of(TelemetryEvent.newBuilder(event).setRaw(Map.of()).build());
        Map<String, String> kept = new LinkedHashMap<>();
        raw.forEach((name, value) -> {
            Object typed = typedOnly.get(name);
            if (typed == null || !typed.toString().equals(value)) {
                kept.put(name, value);
            }
        });
        return TelemetryEvent.newBuilder(event).setRaw(kept).build();
    }
}
