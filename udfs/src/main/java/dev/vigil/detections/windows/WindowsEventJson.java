package dev.vigil.detections.windows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Windows events as real collectors export them, flattened to Sigma's field names:
 * <ul>
 *   <li>{@code evtx_dump} JSON: pretty-printed {@code {"Event":{"System":..,"EventData":..}}} objects, concatenated
 *       (not JSON lines). {@code System} fields keep their names ({@code EventID}, {@code Channel}, {@code Computer},
 *       {@code EventRecordID}); the provider becomes {@code Provider_Name}, other attributes
 *       {@code <Element>_<Attribute>} ({@code TimeCreated_SystemTime}, {@code Execution_ProcessID}); {@code EventData} fields are lifted to
 *       the top; a {@code UserData} event exposes the fields of its single wrapper element.</li>
 *   <li>flat JSON lines (Winlogbeat / NXLog / OTRF style): the object as is.</li>
 * </ul>
 * Both: spaces are removed from field names ({@code "Threat Name"} is {@code ThreatName} to rules), HTML
 * entities in strings are decoded ({@code &lt;unknown process&gt;}), numbers stay as written (a rule's
 * {@code 9} matches {@code "9"}).
 */
public final class WindowsEventJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private WindowsEventJson() {}

    /** Every event of a file, in file order (index = position in the file). */
    public static List<Map<String, Object>> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static List<Map<String, Object>> read(InputStream in) throws IOException {
        List<Map<String, Object>> events = new ArrayList<>();
        try (MappingIterator<Object> it = JSON.readerFor(Object.class).readValues(in)) {
            while (it.hasNextValue()) {
                Object value = it.nextValue();
                if (value instanceof Map<?, ?> m) {
                    events.add(flatten(m));
                }
            }
        }
        return events;
    }

    /** One event object, either shape, as flat Sigma fields. */
    public static Map<String, Object> flatten(Map<?, ?> object) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (object.get("Event") instanceof Map<?, ?> event && event.get("System") instanceof Map<?, ?> system) {
            system.forEach((k, v) -> putSystem(out, String.valueOf(k), v));
            if (event.get("EventData") instanceof Map<?, ?> data) {
                data.forEach((k, v) -> putLeaf(out, String.valueOf(k), v));
            }
            if (event.get("UserData") instanceof Map<?, ?> userData) {
                for (Object wrapper : userData.values()) {
                    if (wrapper instanceof Map<?, ?> w) {
                        w.forEach((k, v) -> putLeaf(out, String.valueOf(k), v));
                    }
                }
            }
            return out;
        }
        object.forEach((k, v) -> put(out, String.valueOf(k), v));
        return out;
    }

    private static void putSystem(Map<String, Object> out, String key, Object value) {
        if (value instanceof Map<?, ?> m) {
            if (key.equals("Provider") && m.get("#attributes") instanceof Map<?, ?> attributes) {
                if (attributes.get("Name") != null) {
                    put(out, "Provider_Name", attributes.get("Name"));
                }
                if (attributes.get("Guid") != null) {
                    put(out, "Provider_Guid", attributes.get("Guid"));
                }
            } else if (m.containsKey("#text")) {
                put(out, key, m.get("#text"));
            } else if (m.get("#attributes") instanceof Map<?, ?> attributes) {
                // TimeCreated SystemTime, Execution ProcessID, Security UserID, Correlation ActivityID
                attributes.forEach((a, v) -> put(out, key + "_" + a, v));
            }
            return;
        }
        put(out, key, value);
    }

    private static void putLeaf(Map<String, Object> out, String key, Object value) {
        if (key.startsWith("#")) {
            return;
        }
        if (value instanceof Map<?, ?> m) {
            if (m.containsKey("#text")) {
                put(out, key, m.get("#text"));
            }
            return;
        }
        put(out, key, value);
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        out.put(key.indexOf(' ') >= 0 ? key.replace(" ", "") : key, clean(value));
    }

    private static Object clean(Object value) {
        if (value instanceof String s) {
            return HtmlEntities.decode(s);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(clean(o));
            }
            return out;
        }
        return value;
    }
}
