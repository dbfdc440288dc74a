package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one parsed Sigma rule document into a {@link SigmaRule}: every search compiled once per logsource
 * branch (with that branch's field names), the condition over them, the branch's own test in front.
 */
public final class SigmaRuleCompiler {

    private final LogsourceMapping logsources;
    private final Map<String, List<String>> placeholders;

    /** {@code placeholders}: values for {@code |expand} placeholders ({@code %name%}), by name. */
    public SigmaRuleCompiler(LogsourceMapping logsources, Map<String, List<String>> placeholders) {
        this.logsources = logsources;
        this.placeholders = Map.copyOf(placeholders);
    }

    public SigmaRule compile(String file, Map<?, ?> doc) throws RuleRejectedException {
        if (doc.containsKey("correlation")) {
            throw new RuleRejectedException("correlation rule", "correlation rules are not evaluated yet");
        }
        if (doc.containsKey("action")) {
            throw new RuleRejectedException("rule collection", "action: " + doc.get("action") + " documents are not supported");
        }
        String id = text(doc.get("id"));
        String title = text(doc.get("title"));
        if (id == null || id.isBlank() || title == null || title.isBlank()) {
            throw new RuleRejectedException("metadata", "a rule needs an id and a title");
        }
        if (!(doc.get("logsource") instanceof Map<?, ?> logsource)) {
            throw new RuleRejectedException("logsource", "missing");
        }
        if (!(doc.get("detection") instanceof Map<?, ?> detection)) {
            throw new RuleRejectedException("detection", "missing");
        }
        List<String> conditions = conditions(detection);
        if (detection.containsKey("timeframe")) {
            throw new RuleRejectedException("timeframe", "timeframe belongs to aggregations, which are not evaluated");
        }
        List<EventPredicate> branches = new ArrayList<>();
        for (LogsourceMapping.Branch branch : logsources.branches(logsource, placeholders)) {
            SearchCompiler searches = new SearchCompiler(branch.fieldMapping(), placeholders);
            Map<String, EventPredicate> compiled = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : detection.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (!name.equals("condition")) {
                    compiled.put(name, searches.compileSearch(name, e.getValue()));
                }
            }
            List<EventPredicate> anyCondition = new ArrayList<>();
            for (String c : conditions) {
                anyCondition.add(ConditionCompiler.compile(c, compiled));
            }
            branches.add(EventPredicate.and(List.of(branch.condition(), EventPredicate.or(anyCondition))));
        }
        Map<String, String> ls = new LinkedHashMap<>();
        logsource.forEach((k, v) -> ls.put(String.valueOf(k), String.valueOf(v)));
        return new SigmaRule(file, id, title, text(doc.get("status")), text(doc.get("level")), text(doc.get("description")),
                text(doc.get("author")), strings(doc.get("tags")), strings(doc.get("references")),
                strings(doc.get("falsepositives")), Map.copyOf(ls), EventPredicate.or(branches));
    }

    /**
     * The searches of a rule's {@code detection} that some condition uses inside an even number of {@code not}s:
     * those a matching event must satisfy, or may satisfy in an {@code or}.
     */
    public static Set<String> positiveSearches(Map<?, ?> detection) throws RuleRejectedException {
        List<String> names = new ArrayList<>();
        for (Object k : detection.keySet()) {
            String name = String.valueOf(k);
            if (!name.equals("condition") && !name.equals("timeframe")) {
                names.add(name);
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (String c : conditions(detection)) {
            out.addAll(ConditionCompiler.positiveSearches(c, names));
        }
        return out;
    }

    /** The detection's condition, or its list of conditions (any of which matching means the rule matches). */
    private static List<String> conditions(Map<?, ?> detection) throws RuleRejectedException {
        Object condition = detection.get("condition");
        if (condition instanceof String c) {
            return List.of(c);
        }
        if (condition instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new RuleRejectedException("condition", "missing or not a string");
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o).trim();
    }

    private static List<String> strings(Object o) {
        if (o instanceof List<?> l) {
            return l.stream().filter(x -> x != null).map(String::valueOf).toList();
        }
        return o == null ? List.of() : List.of(String.valueOf(o));
    }
}
