package dev.vigil.detections.builtin;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.api.Reputation;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Hashes;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ReputationMatch;
import dev.vigil.schema.Severity;
import dev.vigil.schema.Verdict;

/** A process started from an image whose hash the reputation feed calls malicious. */
public final class MaliciousProcessImage implements Detection {

    static final DetectionMetadata METADATA = DetectionMetadata
            .builder("vigil-builtin-malicious-process-image", "Process started from a known-malicious image")
            .description("A process was launched from an image whose SHA-256 or MD5 the reputation feed calls"
                    + " malicious at the time of the launch.")
            .severity(Severity.HIGH).status(DetectionMetadata.Status.STABLE)
            .tags("attack.execution", "attack.t1204.002").author("Vigil")
            .falsePositives("A reputation source that wrongly convicts a file (check the verdict's source)")
            .build();

    @Override
    public DetectionMetadata metadata() {
        return METADATA;
    }

    @Override
    public Finding evaluate(EnrichedEvent event) {
        if (!(event.getEvent().getActivity() instanceof ProcessActivity process)
                || process.getAction() != ProcessAction.LAUNCH
                || event.getReputation().isEmpty()) {
            return null;
        }
        Hashes hashes = process.getProcess().getHashes();
        if (hashes == null) {
            return null;
        }
        ReputationMatch match = Reputation.find(event, IndicatorType.SHA256, hashes.getSha256(), Verdict.MALICIOUS);
        if (match == null) {
            match = Reputation.find(event, IndicatorType.MD5, hashes.getMd5(), Verdict.MALICIOUS);
        }
        if (match == null) {
            return null;
        }
        String host = event.getEvent().getHost().getName();
        return Finding.about("host", host, "Malicious image " + process.getProcess().getImagePath()
                + " (" + match.getIndicatorType() + " " + match.getValue() + ", " + match.getSource() + ") started on " + host);
    }
}
