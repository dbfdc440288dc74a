package dev.vigil.detections.builtin;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.api.Reputation;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.Severity;
import dev.vigil.schema.Verdict;

/** A connection to an IP address the reputation feed calls malicious (command and control). */
public final class MaliciousIpConnection implements Detection {

    static final DetectionMetadata METADATA = DetectionMetadata
            .builder("vigil-builtin-malicious-ip-connection", "Connection to a known-malicious IP address")
            .description("A process opened a connection to an IP address the reputation feed calls malicious"
                    + " (command and control, exfiltration).")
            .severity(Severity.HIGH).status(DetectionMetadata.Status.STABLE)
            .tags("attack.command-and-control", "attack.t1071").author("Vigil")
            .falsePositives("Shared hosting or CDN addresses that once served malware")
            .build();

    @Override
    public DetectionMetadata metadata() {
        return METADATA;
    }

    @Override
    public Finding evaluate(EnrichedEvent event) {
        if (!(event.getEvent().getActivity() instanceof NetworkActivity network) || event.getReputation().isEmpty()) {
            return null;
        }
        ReputationMatch match = Reputation.find(event, IndicatorType.IP, network.getDstIp(), Verdict.MALICIOUS);
        if (match == null) {
            return null;
        }
        String host = event.getEvent().getHost().getName();
        String process = network.getProcess() == null ? "unknown process" : network.getProcess().getImagePath();
        return Finding.about("host", host, host + " (" + process + ") connected to malicious " + network.getDstIp()
                + ":" + network.getDstPort() + " (" + match.getSource() + ")");
    }
}
