package dev.vigil.local.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Which faults a chaos run injects and how they are paced.
 *
 * @param kills          TaskManagers killed (each replaced at once, as a Spot fleet's autoscaler would)
 * @param brokerRestarts Kafka broker outages
 * @param s3Outages      S3 endpoint outages
 * @param gap            how long the job runs undisturbed between recovering from one fault and the next
 * @param outage         how long the broker or S3 stays away
 */
public record ChaosPlan(int kills, int brokerRestarts, int s3Outages, Duration gap, Duration outage) {

    public ChaosPlan {
        if (kills < 0 || brokerRestarts < 0 || s3Outages < 0) {
            throw new IllegalArgumentException("fault counts must not be negative");
        }
        if (kills + brokerRestarts + s3Outages == 0) {
            throw new IllegalArgumentException("a chaos run needs at least one fault");
        }
        if (gap.isNegative() || outage.isNegative()) {
            throw new IllegalArgumentException("gap and outage must not be negative");
        }
    }

    /**
     * The faults in the order they happen: each kind spread evenly over the run (the j-th of n sits at
     * (j + 0.5) / n of the timeline), so outages fall between kills rather than all at the start.
     */
    public List<Fault> schedule() {
        record Slot(double position, Fault fault) {}
        List<Slot> slots = new ArrayList<>();
        addEvenly(slots, kills, Fault.TASK_MANAGER_KILL, Slot::new);
        addEvenly(slots, brokerRestarts, Fault.BROKER_RESTART, Slot::new);
        addEvenly(slots, s3Outages, Fault.S3_OUTAGE, Slot::new);
        slots.sort(Comparator.comparingDouble(Slot::position).thenComparing(Slot::fault));
        return slots.stream().map(Slot::fault).toList();
    }

    private static <S> void addEvenly(List<S> slots, int n, Fault fault, BiFunction<Double, Fault, S> slot) {
        for (int j = 0; j < n; j++) {
            slots.add(slot.apply((j + 0.5) / n, fault));
        }
    }

    public int faults() {
        return kills + brokerRestarts + s3Outages;
    }
}
