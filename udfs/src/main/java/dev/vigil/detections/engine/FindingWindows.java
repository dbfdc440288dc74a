package dev.vigil.detections.engine;

import dev.vigil.detections.api.Aggregation;
import dev.vigil.detections.api.DistinctCount;
import dev.vigil.schema.internal.CountedFinding;
import dev.vigil.schema.internal.FindingWindow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a declared {@link Aggregation} counts: the findings of one (tenant, detection, group key)
 * inside the event-time window. Plain Java over the state record, so the job's keyed operator, the
 * sample runner and {@code vigil detect} count the same way.
 */
public final class FindingWindows {

    private FindingWindows() {}

    public static FindingWindow empty() {
        // Builders, not all-field constructors: a field added to the state schema with a default needs no code change
        // here, and state restored from an older savepoint keeps working (StateSchemaEvolutionITCase).
        return FindingWindow.newBuilder().setFindings(new ArrayList<>()).build();
    }

    /**
     * Adds a finding at event time {@code time} after dropping those that left the window, and returns
     * whether the window changed. It does not when the event is already in the window (a sensor resending
     * it counts once) or, for a distinct count, when the finding has no value or falls between the
     * earliest and the latest finding of its value.
     *
     * <p>A distinct count keeps two findings per value: the earliest (evidence of when it started, and
     * the alert's first event) and the latest (the value stays in the window while it keeps being seen).
     * Keeping every finding made a group that repeats a value (a host polling one port of a server) grow
     * by one finding per event, and every update read and wrote them all; now the window holds at most
     * twice as many findings as the distinct count that alerts.
     */
    public static boolean add(FindingWindow w, Aggregation aggregation, String eventId, long time, String hostName,
            String value) {
        boolean distinct = aggregation instanceof DistinctCount;
        if (distinct && value == null) {
            return false;
        }
        CountedFinding earliest = null;
        CountedFinding latest = null;
        for (CountedFinding f : w.getFindings()) {
            if (f.getEventId().equals(eventId)) {
                return false;
            }
            if (distinct && value.equals(f.getValue())) {
                if (earliest == null || later(earliest, f)) earliest = f;
                if (latest == null || later(f, latest)) latest = f;
            }
        }
        CountedFinding finding = CountedFinding.newBuilder().setEventId(eventId).setEventTime(time).setHostName(hostName)
                .setValue(value).build();
        if (earliest != null) {
            boolean newLatest = later(finding, latest);
            if (!newLatest && !later(earliest, finding)) {
                return false;
            }
            keepOnly(w, value, newLatest ? earliest : latest);
        }
        prune(w, time - aggregation.window().toMillis());
        w.getFindings().add(finding);
        return true;
    }

    /** Later by event time, then by event id, so the choice does not depend on arrival order. */
    private static boolean later(CountedFinding a, CountedFinding b) {
        return a.getEventTime() > b.getEventTime()
                || (a.getEventTime() == b.getEventTime() && a.getEventId().compareTo(b.getEventId()) > 0);
    }

    /** Drops the findings of {@code value} other than {@code keep}. */
    private static void keepOnly(FindingWindow w, String value, CountedFinding keep) {
        List<CountedFinding> kept = new ArrayList<>(w.getFindings().size());
        for (CountedFinding f : w.getFindings()) {
            if (f == keep || !value.equals(f.getValue())) {
                kept.add(f);
            }
        }
        w.setFindings(kept);
    }

    /** Whether the window now holds enough findings (or distinct values) to alert. */
    public static boolean reached(FindingWindow w, Aggregation aggregation) {
        return count(w, aggregation) >= aggregation.count();
    }

    /** Findings in the window, or distinct values for a {@link DistinctCount}. */
    public static int count(FindingWindow w, Aggregation aggregation) {
        if (!(aggregation instanceof DistinctCount)) {
            return w.getFindings().size();
        }
        Set<String> values = new HashSet<>();
        for (CountedFinding f : w.getFindings()) {
            values.add(f.getValue());
        }
        return values.size();
    }

    /** Drops findings at or before {@code oldestAllowed}: they left the window. */
    public static void prune(FindingWindow w, long oldestAllowed) {
        List<CountedFinding> findings = w.getFindings();
        for (int i = 0; i < findings.size(); i++) {
            if (findings.get(i).getEventTime() <= oldestAllowed) {
                // a list read back from state may not support removal through its iterator: rebuild it
                List<CountedFinding> kept = new ArrayList<>(findings.size());
                for (CountedFinding f : findings) {
                    if (f.getEventTime() > oldestAllowed) {
                        kept.add(f);
                    }
                }
                w.setFindings(kept);
                return;
            }
        }
    }

    /** The earliest finding (by event time, then id), so an alert's id does not depend on arrival order. */
    public static CountedFinding first(FindingWindow w) {
        CountedFinding first = null;
        for (CountedFinding f : w.getFindings()) {
            if (first == null || f.getEventTime() < first.getEventTime()
                    || (f.getEventTime() == first.getEventTime() && f.getEventId().compareTo(first.getEventId()) < 0)) {
                first = f;
            }
        }
        return first;
    }

    public static long lastSeen(FindingWindow w) {
        long last = Long.MIN_VALUE;
        for (CountedFinding f : w.getFindings()) {
            last = Math.max(last, f.getEventTime());
        }
        return last;
    }

    public static List<String> eventIds(FindingWindow w) {
        List<String> ids = new ArrayList<>(w.getFindings().size());
        for (CountedFinding f : w.getFindings()) {
            ids.add(f.getEventId());
        }
        return ids;
    }
}
