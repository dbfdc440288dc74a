package dev.vigil.detections.builtin;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.DistinctCount;
import dev.vigil.detections.api.Finding;
import dev.vigil.schema.Direction;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.Severity;
import java.time.Duration;

/**
 * Port scan: one host opening connections to at least {@value #PORTS} distinct ports of one remote
 * address within {@value #WINDOW_SECONDS} seconds. Stateful through a declared {@link DistinctCount}:
 * every outbound connection is a finding grouped by (host, destination), and the job counts the
 * distinct {@code DestinationPort} values on keyed state.
 */
public final class PortScan implements Detection {

    static final int PORTS = 25;
    static final int WINDOW_SECONDS = 60;

    static final DetectionMetadata METADATA = DetectionMetadata
            .builder("vigil-builtin-port-scan", "Host probing many ports of one address")
            .description("One host connected to at least " + PORTS + " distinct ports of one remote address within "
                    + WINDOW_SECONDS + " seconds: service discovery before lateral movement.")
            .severity(Severity.MEDIUM).status(DetectionMetadata.Status.TEST)
            .tags("attack.discovery", "attack.t1046").author("Vigil")
            .references("https://attack.mitre.org/techniques/T1046/")
            .falsePositives("Vulnerability scanners and inventory tools (exclude their hosts per tenant)")
            .build();

    private static final DistinctCount PORTS_PER_TARGET =
            new DistinctCount(PORTS, Duration.ofSeconds(WINDOW_SECONDS), "DestinationPort");

    @Override
    public DetectionMetadata metadata() {
        return METADATA;
    }

    @Override
    public DistinctCount aggregation() {
        return PORTS_PER_TARGET;
    }

    @Override
    public Finding evaluate(EnrichedEvent event) {
        if (!(event.getEvent().getActivity() instanceof NetworkActivity network)
                || network.getDirection() == Direction.INBOUND
                || network.getDstIp() == null || network.getDstPort() == null) {
            return null;
        }
        String host = event.getEvent().getHost().getName();
        return new Finding("host", host, host + "->" + network.getDstIp(),
                host + " probed " + PORTS + "+ ports of " + network.getDstIp() + " within " + WINDOW_SECONDS + " s");
    }
}
