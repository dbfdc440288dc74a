package dev.vigil.detections.sigma;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A necessary condition for a rule (or part of one) to match: at least one of its literal atoms is found in
 * the event. {@link #NEVER}: the part cannot match at all (e.g. it tests an EventID the event does not have);
 * {@link #ALWAYS}: nothing literal is known to be needed (a regex, a keyword, a {@code not}), so the part must
 * always be evaluated. Immutable.
 */
final class Requirement {

    /** A literal a field's text, lower-cased, must equal / start with / end with / contain. */
    record Atom(String field, Kind kind, String literal) {}

    enum Kind { EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS }

    /** At most this many literals stand for one glob with character sets ({@code |windash}: 5 per dash). */
    static final int MAX_ALTERNATIVES = 32;

    /** The literal kind of a plain glob shape; null for {@link Glob.Shape#GLOB}. */
    static Kind kindOf(Glob.Shape shape) {
        return switch (shape) {
            case EQUALS -> Kind.EQUALS;
            case STARTS_WITH -> Kind.STARTS_WITH;
            case ENDS_WITH -> Kind.ENDS_WITH;
            case CONTAINS -> Kind.CONTAINS;
            case GLOB -> null;
        };
    }

    static final Requirement NEVER = new Requirement(List.of(), 0);
    static final Requirement ALWAYS = new Requirement(List.of(), 1);

    /** Cost of a logsource-only requirement: above any detection literal's, so those are preferred. */
    private static final double WEAK = 2;

    private final List<Atom> atoms;
    /** Rough chance that an event satisfies it; only used to choose between the parts of an {@code and}. */
    private final double cost;

    private Requirement(List<Atom> atoms, double cost) {
        this.atoms = atoms;
        this.cost = cost;
    }

    static Requirement of(Atom atom) {
        // Longer literals are rarer; equality is stricter than an anchor, an anchor than a substring.
        double kindFactor = switch (atom.kind()) {
            case EQUALS -> 1;
            case STARTS_WITH, ENDS_WITH -> 2;
            case CONTAINS -> 4;
        };
        double n = atom.literal().length() + 1;
        return new Requirement(List.of(atom), Math.min(1, kindFactor / (n * n)));
    }

    boolean never() {
        return this == NEVER;
    }

    boolean always() {
        return this == ALWAYS;
    }

    List<Atom> atoms() {
        return atoms;
    }

    /** The same atoms, ranked below any requirement of the detection itself. */
    Requirement weak() {
        return atoms.isEmpty() ? this : new Requirement(atoms, WEAK);
    }

    /** The fields its atoms are in. */
    Set<String> fields() {
        Set<String> out = new LinkedHashSet<>();
        for (Atom a : atoms) {
            out.add(a.field());
        }
        return out;
    }

    /** Whether every atom is in one of {@code fields}. */
    boolean onlyIn(Set<String> fields) {
        for (Atom a : atoms) {
            if (!fields.contains(a.field())) {
                return false;
            }
        }
        return true;
    }

    /** Rough chance that an event satisfies it (above 1: a logsource-only requirement), as estimated from its literals. */
    double cost() {
        return cost;
    }

    /** Whether it comes from a rule's logsource only, ranked below any literal of its detection. */
    boolean weakOnly() {
        return cost >= WEAK;
    }

    /** The estimate of {@link #cost}: what requirements are chosen by unless the index has observed better. */
    static final ToDoubleFunction<Requirement> ESTIMATED = Requirement::cost;

    /**
     * All parts must hold: the part least likely to hold by {@code cost} among those whose atoms are all in
     * {@code allowed} fields; when none is, or {@code allowed} is null, among all parts.
     */
    static Requirement allOf(List<Requirement> parts, Set<String> allowed, ToDoubleFunction<Requirement> cost) {
        Requirement best = ALWAYS;
        double bestCost = 0;
        boolean bestAllowed = false;
        for (Requirement r : parts) {
            if (r.never()) {
                return NEVER;
            }
            if (r.atoms.isEmpty()) {
                continue;
            }
            boolean inAllowed = allowed == null || r.onlyIn(allowed);
            double c = cost.applyAsDouble(r);
            // a part in the allowed fields beats any outside them; among equals, the least likely
            if (best.atoms.isEmpty() || (inAllowed && !bestAllowed) || (inAllowed == bestAllowed && c < bestCost)) {
                best = r;
                bestCost = c;
                bestAllowed = inAllowed;
            }
        }
        return best;
    }

    /** All parts must hold: any one part's requirement is necessary; keep the most selective. */
    static Requirement allOf(List<Requirement> parts) {
        return allOf(parts, null, ESTIMATED);
    }

    /** Some part must hold: one of the parts' atoms is necessary. */
    static Requirement anyOf(List<Requirement> parts) {
        List<Atom> union = new ArrayList<>();
        double cost = 0;
        boolean possible = false;
        boolean weak = false;
        for (Requirement r : parts) {
            if (r.never()) {
                continue;
            }
            if (r.always()) {
                return ALWAYS;
            }
            possible = true;
            union.addAll(r.atoms);
            cost += r.cost;
            weak |= r.cost >= WEAK;
        }
        if (!possible) {
            return NEVER;
        }
        return new Requirement(List.copyOf(union), weak ? WEAK : Math.min(1, cost));
    }

    @Override
    public String toString() {
        return never() ? "never" : always() ? "always" : atoms + " ~" + cost;
    }
}
