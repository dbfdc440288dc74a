package dev.vigil.local.chaos;

/** What a chaos run does to the running job. */
public enum Fault {
    /** A TaskManager disappears (a Spot node reclaimed) and a replacement joins. */
    TASK_MANAGER_KILL("kill TaskManager"),
    /** The Kafka broker stops, then comes back on the same port and log dir. */
    BROKER_RESTART("broker outage"),
    /** The S3 endpoint stops serving, then comes back with its data. */
    S3_OUTAGE("S3 outage");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
