package dev.vigil.jobs.detection.enrich;

import dev.vigil.jobs.detection.decode.ReputationDecoder;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.DnsActivity;
import dev.vigil.schema.FileActivity;
import dev.vigil.schema.Hashes;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.TelemetryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The hashes, IPs and domains of an event, normalized like the feed's values so a lookup is an
 * exact match.
 */
public final class IndicatorExtractor {

    private IndicatorExtractor() {}

    public static List<Indicator> indicators(TelemetryEvent event) {
        List<Indicator> out = new ArrayList<>(4);
        Object activity = event.getActivity();
        if (activity instanceof ProcessActivity p) {
            process(p.getProcess(), out);
            process(p.getParent(), out);
        } else if (activity instanceof NetworkActivity n) {
            add(IndicatorType.IP, n.getDstIp(), out);
            add(IndicatorType.IP, n.getSrcIp(), out);
            add(IndicatorType.DOMAIN, n.getDstHostname(), out);
            process(n.getProcess(), out);
        } else if (activity instanceof FileActivity f) {
            hashes(f.getHashes(), out);
            process(f.getProcess(), out);
        } else if (activity instanceof DnsActivity d) {
            add(IndicatorType.DOMAIN, d.getQuery(), out);
            for (String answer : d.getAnswers()) {
                add(looksLikeIp(answer) ? IndicatorType.IP : IndicatorType.DOMAIN, answer, out);
            }
            process(d.getProcess(), out);
        } else if (activity instanceof AuthenticationActivity a) {
            add(IndicatorType.IP, a.getSourceIp(), out);
        }
        return out;
    }

    private static void process(ProcessRef process, List<Indicator> out) {
        if (process != null) {
            hashes(process.getHashes(), out);
        }
    }

    private static void hashes(Hashes hashes, List<Indicator> out) {
        if (hashes != null) {
            add(IndicatorType.SHA256, hashes.getSha256(), out);
            add(IndicatorType.SHA1, hashes.getSha1(), out);
            add(IndicatorType.MD5, hashes.getMd5(), out);
        }
    }

    private static void add(IndicatorType type, String value, List<Indicator> out) {
        if (value == null || value.isEmpty() || value.equals("-")) {
            return;
        }
        Indicator indicator = new Indicator(type, ReputationDecoder.normalize(type, value));
        if (!out.contains(indicator)) {
            out.add(indicator);
        }
    }

    static boolean looksLikeIp(String s) {
        if (s.indexOf(':') >= 0) {
            return true; // IPv6
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
