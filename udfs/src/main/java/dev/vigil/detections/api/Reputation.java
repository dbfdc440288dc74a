package dev.vigil.detections.api;

import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.Verdict;
import java.util.List;

/** Lookups over the verdicts the job attached to an event. */
public final class Reputation {

    private Reputation() {}

    /** The match for this indicator with the given verdict, or {@code null}. Allocation-free. */
    public static ReputationMatch find(EnrichedEvent event, IndicatorType type, String value, Verdict verdict) {
        if (value == null) {
            return null;
        }
        List<ReputationMatch> matches = event.getReputation();
        for (int i = 0, n = matches.size(); i < n; i++) {
            ReputationMatch m = matches.get(i);
            if (m.getIndicatorType() == type && m.getVerdict() == verdict && m.getValue().equalsIgnoreCase(value)) {
                return m;
            }
        }
        return null;
    }
}
