package dev.vigil.local.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * One JSON line per hit on stdout, so a backtest's output can be diffed, counted and fed to {@code jq}.
 * Every line has {@code rule_id}, {@code rule_title}, {@code level}, {@code kind}, {@code author} (DRL 1.1
 * asks alerts from Sigma rules to carry it), {@code file}, {@code index} and, when the event has one,
 * {@code event_record_id}; Sigma hits add {@code rule_file}; a counted (aggregated) hit adds
 * {@code group_key}, {@code count}, {@code window_seconds} and the {@code events} that made it.
 */
final class HitWriter {

    /** Where an event came from: its file (as given or found), its 0-based position there, its record id. */
    record EventRef(String file, int index, Object recordId) {

        /** EventRecordID as the file wrote it: a number when it is one, else text; null when absent. */
        static Object recordId(Object value) {
            if (value instanceof Number n) {
                return n.longValue();
            }
            if (value instanceof String s && !s.isBlank()) {
                try {
                    return Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    return s;
                }
            }
            return null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;

    HitWriter(PrintWriter out) {
        this.out = out;
    }

    /** A detection without aggregation: the finding is the hit. */
    void single(DetectionMetadata rule, String kind, String ruleFile, Finding finding, EventRef event) {
        ObjectNode line = header(rule, kind, ruleFile, event);
        line.put("summary", finding.summary());
        write(line);
    }

    /** A declared aggregation reached its count on {@code last}; {@code events} are the counted ones, oldest first. */
    void counted(DetectionMetadata rule, String kind, Finding finding, Aggregation aggregation, String groupKey,
            int count, EventRef last, List<EventRef> events) {
        ObjectNode line = header(rule, kind, null, last);
        line.put("group_key", groupKey);
        line.put("count", count);
        line.put("window_seconds", aggregation.window().toSeconds());
        ArrayNode counted = line.putArray("events");
        for (EventRef e : events) {
            ObjectNode n = counted.addObject();
            n.put("file", e.file());
            n.put("index", e.index());
            putRecordId(n, e.recordId());
        }
        line.put("summary", finding.summary());
        write(line);
    }

    void flush() {
        out.flush();
    }

    private static ObjectNode header(DetectionMetadata rule, String kind, String ruleFile, EventRef event) {
        ObjectNode line = JSON.createObjectNode();
        line.put("rule_id", rule.id());
        line.put("rule_title", rule.title());
        line.put("level", rule.severity().name().toLowerCase(Locale.ROOT));
        line.put("kind", kind);
        if (ruleFile != null) {
            line.put("rule_file", ruleFile);
        }
        line.put("author", rule.author());
        line.put("file", event.file());
        line.put("index", event.index());
        putRecordId(line, event.recordId());
        return line;
    }

    private static void putRecordId(ObjectNode node, Object recordId) {
        if (recordId instanceof Long l) {
            node.put("event_record_id", l);
        } else if (recordId != null) {
            node.put("event_record_id", recordId.toString());
        }
    }

    private void write(ObjectNode line) {
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
