package dev.vigil.detections.sigma;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles one Sigma search identifier (a map of field conditions, a list of such maps, or a list of
 * keywords) into an {@link EventPredicate}, under one logsource branch's field mapping.
 */
final class SearchCompiler {

    private static final Set<String> MATCH_TYPES = Set.of("contains", "startswith", "endswith", "re", "cidr", "gt", "gte",
            "lt", "lte", "exists", "fieldref");
    private static final Set<String> TRANSFORMS = Set.of("wide", "utf16le", "utf16be", "utf16", "base64", "base64offset",
            "windash", "expand");
    private static final Set<String> NON_STRING_MATCHES = Set.of("gt", "gte", "lt", "lte", "cidr", "re");
    private static final Pattern PLACEHOLDER = Pattern.compile("%([A-Za-z0-9_.-]+)%");

    private final UnaryOperator<String> fieldMapping;
    private final Map<String, List<String>> placeholders;

    SearchCompiler(UnaryOperator<String> fieldMapping, Map<String, List<String>> placeholders) {
        this.fieldMapping = fieldMapping;
        this.placeholders = placeholders;
    }

    EventPredicate compileSearch(String name, Object search) throws RuleRejectedException {
        if (search instanceof Map<?, ?> map) {
            return compileMap(map);
        }
        if (search instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new RuleRejectedException("empty search", "search '" + name + "' is an empty list");
            }
            if (list.stream().allMatch(e -> e instanceof Map)) {
                List<EventPredicate> alternatives = new ArrayList<>();
                for (Object m : list) {
                    alternatives.add(compileMap((Map<?, ?>) m));
                }
                return EventPredicate.or(alternatives);
            }
            if (list.stream().noneMatch(e -> e instanceof Map || e instanceof List)) {
                return compileItem("", list);
            }
            throw new RuleRejectedException("mixed search list", "search '" + name + "' mixes maps and keywords");
        }
        if (search instanceof String || search instanceof Number) {
            return compileItem("", List.of(search));
        }
        throw new RuleRejectedException("search shape", "search '" + name + "' is neither a map, a list nor a keyword");
    }

    private EventPredicate compileMap(Map<?, ?> map) throws RuleRejectedException {
        if (map.isEmpty()) {
            throw new RuleRejectedException("empty search", "a search map has no field");
        }
        List<EventPredicate> all = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            all.add(compileItem(String.valueOf(e.getKey()), e.getValue()));
        }
        return EventPredicate.and(all);
    }

    /** {@code key} is {@code field|modifier|...}, or {@code |modifier...} / empty for a field-less keyword search. */
    EventPredicate compileItem(String key, Object rawValues) throws RuleRejectedException {
        String[] parts = key.split("\\|", -1);
        String field = parts[0].trim();
        String matchType = null;
        List<String> transforms = new ArrayList<>();
        boolean all = false;
        boolean cased = false;
        int regexFlags = 0;
        boolean fieldref = false;
        for (int i = 1; i < parts.length; i++) {
            String m = parts[i].trim().toLowerCase(Locale.ROOT);
            if (m.equals("all")) {
                all = true;
            } else if (m.equals("cased")) {
                cased = true;
            } else if (m.equals("fieldref")) {
                fieldref = true;
            } else if ((m.equals("i") || m.equals("m") || m.equals("s")) && "re".equals(matchType)) {
                regexFlags |= m.equals("i") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE
                        : m.equals("m") ? Pattern.MULTILINE : Pattern.DOTALL;
            } else if (MATCH_TYPES.contains(m)) {
                if (matchType != null) {
                    throw new RuleRejectedException("modifier |" + m, "combined with |" + matchType + " on " + key);
                }
                matchType = m;
            } else if (TRANSFORMS.contains(m)) {
                transforms.add(m);
            } else {
                throw new RuleRejectedException("modifier |" + m, "not supported (in '" + key + "')");
            }
        }
        List<Object> values = rawValues instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(java.util.Collections.singletonList(rawValues));
        if (values.isEmpty()) {
            throw new RuleRejectedException("empty value list", "'" + key + "' has no values");
        }
        String mapped = field.isEmpty() ? "" : fieldMapping.apply(field);
        if ("cidr".equals(matchType) && !all && !fieldref && !mapped.isEmpty() && values.stream().allMatch(v -> v instanceof String)) {
            return anyNetwork(mapped, values);
        }
        List<EventPredicate> perValue = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof Map || v instanceof List) {
                throw new RuleRejectedException("nested value", "'" + key + "' has a nested map or list value");
            }
            perValue.add(compileValue(mapped, key, v, matchType, transforms, cased, regexFlags, fieldref));
        }
        return all ? EventPredicate.and(perValue) : anyValue(perValue);
    }

    /** {@code field|cidr: [networks]}: the address is parsed once, then tested against every network. */
    private static EventPredicate anyNetwork(String field, List<Object> networks) throws RuleRejectedException {
        Cidr[] cidrs = new Cidr[networks.size()];
        for (int i = 0; i < cidrs.length; i++) {
            cidrs[i] = Cidr.parse((String) networks.get(i));
        }
        java.util.function.Predicate<Object> inAny = value -> {
            byte[] address = Cidr.literal(ValueTest.text(value).trim());
            for (Cidr c : cidrs) {
                if (c.contains(address)) {
                    return true;
                }
            }
            return false;
        };
        return e -> {
            Object value = e.get(field);
            if (value == null) {
                return false;
            }
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (element != null && inAny.test(element)) {
                        return true;
                    }
                }
                return false;
            }
            return inAny.test(value);
        };
    }

    /**
     * Any of the values: string tests of one field become one test over all their globs, so the field is read
     * and lower-cased once, and a long value list is matched in one pass (a filter listing 100 paths).
     */
    private static EventPredicate anyValue(List<EventPredicate> perValue) {
        if (perValue.size() > 1 && perValue.stream().allMatch(p -> p instanceof PredicateNodes.StringFieldTest t
                && t.field().equals(((PredicateNodes.StringFieldTest) perValue.get(0)).field()))) {
            List<Glob> globs = new ArrayList<>();
            for (EventPredicate p : perValue) {
                globs.addAll(List.of(((PredicateNodes.StringFieldTest) p).globs()));
            }
            return new PredicateNodes.StringFieldTest(((PredicateNodes.StringFieldTest) perValue.get(0)).field(),
                    globs.toArray(Glob[]::new));
        }
        return EventPredicate.or(perValue);
    }

    private EventPredicate compileValue(String field, String key, Object v, String matchType, List<String> transforms,
                                        boolean cased, int regexFlags, boolean fieldref) throws RuleRejectedException {
        if ("exists".equals(matchType)) {
            if (!(v instanceof Boolean expected) || field.isEmpty()) {
                throw new RuleRejectedException("modifier |exists", "needs a field and true/false in '" + key + "'");
            }
            return e -> (e.get(field) != null) == expected;
        }
        if (v == null) {
            if (field.isEmpty()) {
                throw new RuleRejectedException("null keyword", "a keyword list holds null");
            }
            return e -> e.get(field) == null;
        }
        if (fieldref) {
            return fieldRef(field, key, String.valueOf(v), matchType, cased);
        }
        if (field.isEmpty() && matchType == null) {
            matchType = "contains"; // keywords are substring searches over every field value
        }
        if (!NON_STRING_MATCHES.contains(matchType == null ? "" : matchType) && !field.isEmpty()) {
            // a node rather than a lambda: its literals feed the rule index (SigmaRuleSet)
            return new PredicateNodes.StringFieldTest(field, strings(v, matchType, transforms, cased, key));
        }
        ValueTest test = switch (matchType == null ? "" : matchType) {
            case "gt", "gte", "lt", "lte" -> numeric(matchType, v, key);
            case "cidr" -> {
                Cidr cidr = Cidr.parse(String.valueOf(v));
                yield (value, e) -> cidr.contains(ValueTest.text(value));
            }
            case "re" -> regex(String.valueOf(v), regexFlags, key);
            default -> anyGlob(strings(v, matchType, transforms, cased, key));
        };
        if (field.isEmpty()) {
            return e -> e.anyValue(text -> test.test(text, e));
        }
        return e -> {
            Object value = e.get(field);
            if (value == null) {
                return false;
            }
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (element != null && test.test(element, e)) {
                        return true;
                    }
                }
                return false;
            }
            return test.test(value, e);
        };
    }

    private Glob[] strings(Object v, String matchType, List<String> transforms, boolean cased, String key)
            throws RuleRejectedException {
        List<Glob> alternatives = new ArrayList<>();
        for (String text : expand(ValueTest.text(v), transforms.contains("expand"), key)) {
            for (Glob g : encode(Glob.parse(text, cased), transforms, cased, key)) {
                alternatives.add(matchType == null ? g : switch (matchType) {
                    case "contains" -> g.contains();
                    case "startswith" -> g.startsWith();
                    case "endswith" -> g.endsWith();
                    default -> throw new IllegalStateException(matchType);
                });
            }
        }
        return alternatives.toArray(Glob[]::new);
    }

    /** Keyword test: any glob matches the text (case-sensitive globs the text as is, the others lower-cased). */
    private static ValueTest anyGlob(Glob[] globs) {
        if (globs.length == 1) {
            Glob g = globs[0];
            return (value, e) -> g.matches(ValueTest.text(value));
        }
        return (value, e) -> {
            String text = ValueTest.text(value);
            String lower = text.toLowerCase(Locale.ROOT);
            for (Glob g : globs) {
                if (g.matchesPrepared(g.caseSensitive() ? text : lower)) {
                    return true;
                }
            }
            return false;
        };
    }

    private List<String> expand(String text, boolean expand, String key) throws RuleRejectedException {
        if (!expand) {
            return List.of(text);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        if (!m.find()) {
            return List.of(text);
        }
        List<String> values = placeholders.get(m.group(1));
        if (values == null || values.isEmpty()) {
            throw new RuleRejectedException("modifier |expand", "placeholder %" + m.group(1) + "% is not configured ('" + key + "')");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String replacement : values) {
            out.addAll(expand(text.substring(0, m.start()) + replacement + text.substring(m.end()), true, key));
        }
        return List.copyOf(out);
    }

    /** Applies the encoding modifiers in the order written; each yields literal alternatives. */
    private static List<Glob> encode(Glob glob, List<String> transforms, boolean cased, String key) throws RuleRejectedException {
        List<Glob> current = List.of(glob);
        byte[] bytes = null;
        for (String t : transforms) {
            switch (t) {
                case "expand" -> { }
                case "windash" -> current = current.stream().map(Glob::windash).toList();
                case "wide", "utf16le", "utf16be", "utf16" -> {
                    String plain = plainOnly(current, t, key);
                    bytes = switch (t) {
                        case "utf16be" -> plain.getBytes(StandardCharsets.UTF_16BE);
                        case "utf16" -> withBom(plain);
                        default -> plain.getBytes(StandardCharsets.UTF_16LE);
                    };
                    current = List.of(Glob.literal(new String(bytes, StandardCharsets.ISO_8859_1), true));
                }
                case "base64", "base64offset" -> {
                    byte[] in = bytes != null ? bytes : plainOnly(current, t, key).getBytes(StandardCharsets.UTF_8);
                    bytes = null;
                    current = (t.equals("base64") ? List.of(Base64.getEncoder().encodeToString(in)) : base64Offsets(in))
                            .stream().map(s -> Glob.literal(s, true)).toList(); // base64 is case-sensitive by nature
                }
                default -> throw new RuleRejectedException("modifier |" + t, "not supported");
            }
        }
        if (bytes != null) {
            throw new RuleRejectedException("modifier |wide", "a UTF-16 value must be base64-encoded next ('" + key + "')");
        }
        return current;
    }

    private static byte[] withBom(String plain) {
        byte[] body = plain.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    private static String plainOnly(List<Glob> current, String modifier, String key) throws RuleRejectedException {
        if (current.size() != 1 || current.get(0).hasWildcards()) {
            throw new RuleRejectedException("modifier |" + modifier, "applies to a plain string without wildcards ('" + key + "')");
        }
        return current.get(0).plainText();
    }

    /**
     * The three encodings of {@code in} as it may appear inside a longer base64 text, at each byte offset modulo 3,
     * trimmed of the characters that depend on the surrounding bytes.
     */
    static List<String> base64Offsets(byte[] in) {
        int[] start = {0, 2, 3};
        int[] endTrim = {0, 3, 2};
        List<String> out = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            byte[] shifted = new byte[in.length + i];
            for (int j = 0; j < i; j++) {
                shifted[j] = ' ';
            }
            System.arraycopy(in, 0, shifted, i, in.length);
            String enc = Base64.getEncoder().encodeToString(shifted);
            int trim = endTrim[(in.length + i) % 3];
            int end = enc.length() - trim;
            if (end > start[i]) {
                out.add(enc.substring(start[i], end));
            }
        }
        return out;
    }

    private static ValueTest numeric(String op, Object v, String key) throws RuleRejectedException {
        double bound;
        try {
            bound = Double.parseDouble(ValueTest.text(v));
        } catch (NumberFormatException e) {
            throw new RuleRejectedException("modifier |" + op, "needs a number in '" + key + "'");
        }
        return (value, e) -> {
            double d;
            if (value instanceof Number n) {
                d = n.doubleValue();
            } else {
                try {
                    d = Double.parseDouble(ValueTest.text(value).trim());
                } catch (NumberFormatException ex) {
                    return false;
                }
            }
            return switch (op) {
                case "gt" -> d > bound;
                case "gte" -> d >= bound;
                case "lt" -> d < bound;
                default -> d <= bound;
            };
        };
    }

    private static ValueTest regex(String pattern, int flags, String key) throws RuleRejectedException {
        Pattern p;
        try {
            p = Pattern.compile(pattern, flags);
        } catch (PatternSyntaxException e) {
            throw new RuleRejectedException("modifier |re", "invalid regular expression in '" + key + "': " + e.getDescription());
        }
        return (value, e) -> p.matcher(ValueTest.text(value)).find();
    }

    private EventPredicate fieldRef(String field, String key, String otherField, String matchType, boolean cased)
            throws RuleRejectedException {
        if (field.isEmpty() || !(matchType == null || matchType.equals("contains") || matchType.equals("startswith")
                || matchType.equals("endswith"))) {
            throw new RuleRejectedException("modifier |fieldref", "combined with |" + matchType + " in '" + key + "'");
        }
        String other = fieldMapping.apply(otherField);
        return e -> {
            Object a = e.get(field);
            Object b = e.get(other);
            if (a == null || b == null) {
                return false;
            }
            String x = ValueTest.text(a);
            String y = ValueTest.text(b);
            if (!cased) {
                x = x.toLowerCase(Locale.ROOT);
                y = y.toLowerCase(Locale.ROOT);
            }
            return matchType == null ? x.equals(y) : switch (matchType) {
                case "contains" -> x.contains(y);
                case "startswith" -> x.startsWith(y);
                default -> x.endsWith(y);
            };
        };
    }
}
