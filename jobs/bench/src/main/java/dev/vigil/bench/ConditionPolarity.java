package dev.vigil.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which searches of a Sigma detection its condition uses without a {@code not} around them (an even number of
 * them): the searches a matching event must satisfy, or may satisfy in an {@code or}. For {@link RuleCorpus}, which
 * needs only that, not the condition's meaning: {@code and} and {@code or} are read alike.
 */
final class ConditionPolarity {

    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|[^\\s()]+)");

    private final List<String> tokens = new ArrayList<>();
    private final Set<String> searches;
    private final Set<String> positive = new HashSet<>();
    private int at;

    private ConditionPolarity(String condition, Set<String> searches) {
        Matcher m = TOKEN.matcher(condition);
        while (m.find()) {
            tokens.add(m.group(1));
        }
        this.searches = searches;
    }

    /** The searches of {@code detection} (its keys but condition and timeframe) some condition uses positively. */
    static Set<String> positiveSearches(Map<?, ?> detection) {
        Set<String> searches = new HashSet<>();
        for (Object k : detection.keySet()) {
            String name = String.valueOf(k);
            if (!name.equals("condition") && !name.equals("timeframe")) {
                searches.add(name);
            }
        }
        Object condition = detection.get("condition");
        List<?> conditions = condition instanceof List<?> list ? list : List.of(String.valueOf(condition));
        Set<String> out = new HashSet<>();
        for (Object c : conditions) {
            ConditionPolarity p = new ConditionPolarity(String.valueOf(c), searches);
            p.expression(true);
            out.addAll(p.positive);
        }
        return out;
    }

    /** terms joined by and / or, up to a closing parenthesis or the end */
    private void expression(boolean positiveHere) {
        while (at < tokens.size() && !tokens.get(at).equals(")")) {
            String t = tokens.get(at).toLowerCase(Locale.ROOT);
            if (t.equals("and") || t.equals("or")) {
                at++;
            } else {
                term(positiveHere);
            }
        }
    }

    private void term(boolean positiveHere) {
        String t = tokens.get(at++);
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("not")) {
            if (at < tokens.size()) {
                term(!positiveHere);
            }
        } else if (t.equals("(")) {
            expression(positiveHere);
            at++; // the closing parenthesis
        } else if (at < tokens.size() && tokens.get(at).equalsIgnoreCase("of")) { // 1 of x*, all of them
            at++;
            if (at < tokens.size()) {
                mark(tokens.get(at++), positiveHere);
            }
        } else {
            mark(t, positiveHere);
        }
    }

    private void mark(String target, boolean positiveHere) {
        if (!positiveHere) {
            return;
        }
        if (target.equalsIgnoreCase("them")) {
            positive.addAll(searches);
            return;
        }
        Pattern p = Pattern.compile(Pattern.quote(target).replace("*", "\\E.*\\Q"));
        for (String s : searches) {
            if (p.matcher(s).matches()) {
                positive.add(s);
            }
        }
    }
}
