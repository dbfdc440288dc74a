package dev.vigil.local.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Repeated runs of one configuration: events/s of each run (steady state: between 10 % and 90 % of the
 * backlog, so start-up and the tail are not in it), bytes/s, and the CPU seconds of the broker and of
 * everything else during the run.
 */
record Measurement(String name, String description, List<Run> runs) {

    /** One run. */
    record Run(double eventsPerSecond, double bytesPerSecond, double seconds, double brokerCpuSeconds, double otherCpuSeconds) {}

    double medianEps() {
        return median(Run::eventsPerSecond);
    }

    double minEps() {
        return runs.stream().mapToDouble(Run::eventsPerSecond).min().orElse(0);
    }

    double maxEps() {
        return runs.stream().mapToDouble(Run::eventsPerSecond).max().orElse(0);
    }

    double medianBytesPerSecond() {
        return median(Run::bytesPerSecond);
    }

    private double median(java.util.function.ToDoubleFunction<Run> value) {
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** CPU seconds per million events: [broker, others], averaged over runs. */
    double[] cpuPerMillion(long events) {
        double b = runs.stream().mapToDouble(Run::brokerCpuSeconds).average().orElse(0);
        double o = runs.stream().mapToDouble(Run::otherCpuSeconds).average().orElse(0);
        return new double[] {b * 1e6 / events, o * 1e6 / events};
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(runs.stream().mapToDouble(Run::eventsPerSecond).toArray());
    }
}
