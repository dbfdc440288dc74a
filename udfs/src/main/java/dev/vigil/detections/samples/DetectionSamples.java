package dev.vigil.detections.samples;

import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A detection's {@code samples.yml}: positive cases, each raising an exact number of alerts, and
 * negative cases, raising none. Kept beside the detection so the analyst who changes the logic
 * sees what it must and must not catch.
 *
 * <pre>
 * positive:
 *   - name: five failed logons for one account within five minutes
 *     reputation: [{type: SHA256, value: ..., verdict: MALICIOUS}]   # optional: verdicts the events carry
 *     events:                                                        # Windows events, flat or evtx_dump-shaped
 *       - {EventID: 4625, Channel: Security, Computer: dc-01, TimeCreated: '2026-01-01T10:00:00Z', TargetUserName: alice}
 *     alerts: 1                                                      # optional, default 1
 * negative:
 *   - name: ...
 *     events: [...]
 * </pre>
 *
 * <p>Every scalar is read as the text written ({@code 0x1F}, {@code 10:30}, {@code 2026-01-01} stay
 * as written, as a collector exports them; YAML 1.1 would turn them into numbers and dates), except
 * {@code null}, {@code ~} and empty values. Anchors and merge keys ({@code - {<<: *first, TimeCreated: ...}})
 * keep repeated events short. Unknown keys, duplicate keys and missing or empty lists are errors
 * naming the file and the case.
 */
public record DetectionSamples(Path file, List<SampleCase> positive, List<SampleCase> negative) {

    /** Default {@link ReputationMatch#getScore()} of a sample verdict. */
    static final int DEFAULT_SCORE = 100;
    /** Default {@link ReputationMatch#getSource()} of a sample verdict. */
    static final String DEFAULT_SOURCE = "samples";

    private static final Set<String> TOP_KEYS = Set.of("positive", "negative");
    private static final Set<String> CASE_KEYS = Set.of("name", "events", "reputation", "alerts");
    private static final Set<String> VERDICT_KEYS = Set.of("type", "value", "verdict", "score", "source", "scope", "version");

    /**
     * One case: its events go through the engine in order, with a fresh aggregation state.
     *
     * @param reputation the verdicts the enrichment attached to each of the case's events
     * @param alerts how many alerts the case must raise: at least 1 for a positive case, 0 for a negative one
     */
    public record SampleCase(boolean positive, String name, List<Map<String, Object>> events,
                             List<ReputationMatch> reputation, int alerts) {

        public SampleCase {
            events = List.copyOf(events);
            reputation = List.copyOf(reputation);
        }

        /** {@code positive 'name'} or {@code negative 'name'}, as reports name a case. */
        public String label() {
            return (positive ? "positive" : "negative") + " '" + name + "'";
        }
    }

    public DetectionSamples {
        positive = List.copyOf(positive);
        negative = List.copyOf(negative);
    }

    /** Positive cases first, then negative ones, each in file order. */
    public List<SampleCase> cases() {
        List<SampleCase> all = new ArrayList<>(positive);
        all.addAll(negative);
        return all;
    }

    public static DetectionSamples load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SamplesException(file + ": cannot read the samples file: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /** Parses samples written as {@code text}; {@code file} names them in errors. */
    public static DetectionSamples parse(Path file, String text) {
        Object doc;
        try {
            doc = yaml().load(text);
        } catch (YAMLException e) {
            throw new SamplesException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> root)) {
            throw new SamplesException(file + ": expected a mapping with 'positive' and 'negative' lists");
        }
        unknownKeys(root, TOP_KEYS, file + "");
        List<SampleCase> positive = cases(file, root.get("positive"), true);
        List<SampleCase> negative = cases(file, root.get("negative"), false);
        Set<String> names = new HashSet<>();
        for (SampleCase c : positive) {
            if (!names.add(c.name())) {
                throw new SamplesException(file + ": two cases are named '" + c.name() + "'");
            }
        }
        for (SampleCase c : negative) {
            if (!names.add(c.name())) {
                throw new SamplesException(file + ": two cases are named '" + c.name() + "'");
            }
        }
        return new DetectionSamples(file, positive, negative);
    }

    private static List<SampleCase> cases(Path file, Object list, boolean positive) {
        String kind = positive ? "positive" : "negative";
        if (!(list instanceof List<?> items) || items.isEmpty()) {
            throw new SamplesException(file + ": '" + kind + "' must be a non-empty list of cases"
                    + " (every detection shows what it catches and what it must not)");
        }
        List<SampleCase> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String where = file + ": " + kind + "[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> c)) {
                throw new SamplesException(where + ": expected a mapping with name and events");
            }
            if (!(c.get("name") instanceof String name) || name.isBlank()) {
                throw new SamplesException(where + ": every case needs a 'name'");
            }
            where += " '" + name + "'";
            unknownKeys(c, CASE_KEYS, where);
            out.add(new SampleCase(positive, name, events(c.get("events"), where), reputation(c.get("reputation"), where),
                    alerts(c, positive, where)));
        }
        return out;
    }

    private static List<Map<String, Object>> events(Object list, String where) {
        if (!(list instanceof List<?> items) || items.isEmpty()) {
            throw new SamplesException(where + ": 'events' must be a non-empty list of events");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?> event) || event.isEmpty()) {
                throw new SamplesException(where + ": events[" + i + "] must be a mapping of Windows event fields");
            }
            boolean evtxShaped = event.size() == 1 && event.get("Event") instanceof Map<?, ?>;
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : event.entrySet()) {
                if (!evtxShaped && e.getValue() instanceof Map<?, ?>) {
                    throw new SamplesException(where + ": events[" + i + "]: field '" + e.getKey() + "' is a mapping;"
                            + " write an event flat ({EventID: 1, Image: ...}) or as evtx_dump does ({Event: {System: ..., EventData: ...}})");
                }
                copy.put(String.valueOf(e.getKey()), e.getValue());
            }
            out.add(copy);
        }
        return out;
    }

    private static List<ReputationMatch> reputation(Object list, String where) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> items)) {
            throw new SamplesException(where + ": 'reputation' must be a list of verdicts");
        }
        List<ReputationMatch> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = where + ": reputation[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> v)) {
                throw new SamplesException(at + ": expected {type: SHA256|MD5|SHA1|IP|DOMAIN|URL, value: ..., verdict: ...}");
            }
            unknownKeys(v, VERDICT_KEYS, at);
            String value = text(v.get("value"));
            if (value == null || value.isBlank()) {
                throw new SamplesException(at + ": a verdict needs a 'value'");
            }
            out.add(ReputationMatch.newBuilder()
                    .setIndicatorType(symbol(IndicatorType.class, v.get("type"), at, "type"))
                    .setValue(value)
                    .setVerdict(symbol(Verdict.class, v.get("verdict"), at, "verdict"))
                    .setScore(integer(v.get("score"), DEFAULT_SCORE, at, "score"))
                    .setSource(v.get("source") == null ? DEFAULT_SOURCE : text(v.get("source")))
                    .setScope(text(v.get("scope")))
                    .setVersion(integer(v.get("version"), 1, at, "version"))
                    .build());
        }
        return out;
    }

    private static int alerts(Map<?, ?> c, boolean positive, String where) {
        if (!positive) {
            if (c.containsKey("alerts")) {
                throw new SamplesException(where + ": a negative case raises no alerts; remove 'alerts'");
            }
            return 0;
        }
        int alerts = integer(c.get("alerts"), 1, where, "alerts");
        if (alerts < 1) {
            throw new SamplesException(where + ": a positive case raises at least 1 alert (a case with none is negative)");
        }
        return alerts;
    }

    private static <E extends Enum<E>> E symbol(Class<E> type, Object value, String where, String key) {
        String s = text(value);
        if (s == null) {
            throw new SamplesException(where + ": '" + key + "' is required (" + List.of(type.getEnumConstants()) + ")");
        }
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SamplesException(where + ": unknown " + key + " '" + s + "' (expected one of "
                    + List.of(type.getEnumConstants()) + ")");
        }
    }

    private static int integer(Object value, int fallback, String where, String key) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text(value).trim());
        } catch (NumberFormatException e) {
            throw new SamplesException(where + ": '" + key + "' must be a whole number, not '" + value + "'");
        }
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static void unknownKeys(Map<?, ?> map, Set<String> allowed, String where) {
        for (Object key : map.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                throw new SamplesException(where + ": unknown key '" + key + "' (expected " + sorted(allowed) + ")");
            }
        }
    }

    private static List<String> sorted(Set<String> keys) {
        List<String> list = new ArrayList<>(keys);
        list.sort(null);
        return list;
    }

    /** Safe YAML whose plain scalars stay text, except null / ~ / empty. */
    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // aliases repeat events (a port scan is 25 of them); the bound still stops alias bombs
        options.setMaxAliasesForCollections(2_000);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new TextScalars());
    }

    private static final class TextScalars extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }
}
