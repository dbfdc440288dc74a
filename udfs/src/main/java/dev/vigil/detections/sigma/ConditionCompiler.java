package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles a Sigma condition over compiled searches: {@code and}, {@code or}, {@code not}, parentheses,
 * {@code 1 of x*}, {@code all of x*}, {@code 1 of them}, {@code all of them} ({@code them} leaves out
 * identifiers starting with {@code _}). Precedence: not, and, or. Aggregations ({@code | count() ...}) and
 * {@code near} are rejected.
 */
final class ConditionCompiler {

    private final Map<String, EventPredicate> searches;
    private final List<String> tokens;
    private int pos;

    private ConditionCompiler(Map<String, EventPredicate> searches, List<String> tokens) {
        this.searches = searches;
        this.tokens = tokens;
    }

    /** {@code searches} in declaration order (a LinkedHashMap). */
    static EventPredicate compile(String condition, Map<String, EventPredicate> searches) throws RuleRejectedException {
        if (condition.indexOf('|') >= 0) {
            throw new RuleRejectedException("aggregation", "condition '" + condition + "' uses an aggregation (| ...)");
        }
        ConditionCompiler c = new ConditionCompiler(searches, tokenize(condition));
        if (c.tokens.isEmpty()) {
            throw new RuleRejectedException("condition", "empty condition");
        }
        EventPredicate p = c.or();
        if (c.pos != c.tokens.size()) {
            throw new RuleRejectedException("condition", "unexpected '" + c.tokens.get(c.pos) + "' in '" + condition + "'");
        }
        return p;
    }

    /** Stands for a search while {@link #positiveSearches} reads a condition's structure. */
    private record SearchName(String name) implements EventPredicate {
        @Override
        public boolean test(EventFields event) {
            return false;
        }
    }

    /**
     * The searches {@code condition} uses inside an even number of {@code not}s: those a matching event must
     * satisfy, or may satisfy in an {@code or}.
     */
    static Set<String> positiveSearches(String condition, Collection<String> names) throws RuleRejectedException {
        Map<String, EventPredicate> searches = new LinkedHashMap<>();
        for (String name : names) {
            searches.put(name, new SearchName(name));
        }
        Set<String> out = new LinkedHashSet<>();
        collectPositive(compile(condition, searches), true, out);
        return out;
    }

    private static void collectPositive(EventPredicate p, boolean positive, Set<String> out) {
        if (p instanceof PredicateNodes.AllOf all) {
            for (EventPredicate part : all.parts()) {
                collectPositive(part, positive, out);
            }
        } else if (p instanceof PredicateNodes.AnyOf any) {
            for (EventPredicate part : any.parts()) {
                collectPositive(part, positive, out);
            }
        } else if (p instanceof PredicateNodes.Not not) {
            collectPositive(not.inner(), !positive, out);
        } else if (positive && p instanceof SearchName search) {
            out.add(search.name());
        }
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && s.charAt(j) != '(' && s.charAt(j) != ')') {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private boolean accept(String keyword) {
        String t = peek();
        if (t != null && t.toLowerCase(Locale.ROOT).equals(keyword)) {
            pos++;
            return true;
        }
        return false;
    }

    private EventPredicate or() throws RuleRejectedException {
        List<EventPredicate> parts = new ArrayList<>();
        parts.add(and());
        while (accept("or")) {
            parts.add(and());
        }
        return EventPredicate.or(parts);
    }

    private EventPredicate and() throws RuleRejectedException {
        List<EventPredicate> parts = new ArrayList<>();
        parts.add(not());
        while (accept("and")) {
            parts.add(not());
        }
        return EventPredicate.and(parts);
    }

    private EventPredicate not() throws RuleRejectedException {
        if (accept("not")) {
            return new PredicateNodes.Not(not());
        }
        return primary();
    }

    private EventPredicate primary() throws RuleRejectedException {
        String t = peek();
        if (t == null) {
            throw new RuleRejectedException("condition", "ends early");
        }
        if (t.equals("(")) {
            pos++;
            EventPredicate inner = or();
            if (!accept(")")) {
                throw new RuleRejectedException("condition", "missing ')'");
            }
            return inner;
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (pos + 1 < tokens.size() && tokens.get(pos + 1).equalsIgnoreCase("of")) {
            pos += 2;
            String target = peek();
            if (target == null) {
                throw new RuleRejectedException("condition", "'" + t + " of' names nothing");
            }
            pos++;
            List<EventPredicate> selected = select(target);
            if (lower.equals("1") || lower.equals("any")) {
                return EventPredicate.or(selected);
            }
            if (lower.equals("all")) {
                return EventPredicate.and(selected);
            }
            throw new RuleRejectedException("condition '" + t + " of'", "only '1 of' and 'all of' are defined");
        }
        if (lower.equals("near") || lower.equals("and") || lower.equals("or") || lower.equals(")")) {
            throw new RuleRejectedException("condition", "unexpected '" + t + "'");
        }
        pos++;
        EventPredicate search = searches.get(t);
        if (search == null) {
            throw new RuleRejectedException("condition", "names an undefined search '" + t + "'");
        }
        return search;
    }

    private List<EventPredicate> select(String target) throws RuleRejectedException {
        List<EventPredicate> out = new ArrayList<>();
        if (target.equalsIgnoreCase("them")) {
            searches.forEach((name, p) -> {
                if (!name.startsWith("_")) {
                    out.add(p);
                }
            });
        } else {
            Pattern p = Pattern.compile(Pattern.quote(target).replace("*", "\\E.*\\Q"));
            searches.forEach((name, search) -> {
                if (p.matcher(name).matches()) {
                    out.add(search);
                }
            });
        }
        if (out.isEmpty()) {
            throw new RuleRejectedException("condition", "'of " + target + "' matches no search");
        }
        return out;
    }
}
