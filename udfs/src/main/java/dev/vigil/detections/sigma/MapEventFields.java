package dev.vigil.detections.sigma;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@link EventFields} over a flat map (a Windows event, a {@code raw} field map). A field a rule names is
 * looked up exactly first, then ignoring case (collectors disagree on {@code ProcessId} vs {@code ProcessID}).
 */
public final class MapEventFields implements EventFields {

    private final Map<String, ?> fields;
    private Map<String, Object> byLowerName;

    public MapEventFields(Map<String, ?> fields) {
        this.fields = fields;
    }

    @Override
    public Object get(String field) {
        Object v = fields.get(field);
        if (v != null || fields.containsKey(field)) {
            return v;
        }
        if (byLowerName == null) {
            byLowerName = new HashMap<>();
            fields.forEach((k, value) -> byLowerName.putIfAbsent(k.toLowerCase(Locale.ROOT), value));
        }
        return byLowerName.get(field.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean anyValue(Predicate<String> test) {
        for (Object v : fields.values()) {
            if (v instanceof List<?> list) {
                for (Object e : list) {
                    if (e != null && test.test(String.valueOf(e))) {
                        return true;
                    }
                }
            } else if (v != null && test.test(String.valueOf(v))) {
                return true;
            }
        }
        return false;
    }
}
