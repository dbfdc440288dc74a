package dev.vigil.testing.telemetry;

import dev.vigil.schema.DnsActivity;
import dev.vigil.schema.FileActivity;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A tiny reference of what enrichment means, to check generated data against the feed (highest version wins). */
final class ReferenceReputation {

    record Indicator(IndicatorType type, String value) {}

    private final Map<String, ReputationUpdate> latest = new HashMap<>();

    ReferenceReputation(List<ReputationUpdate> feed) {
        for (ReputationUpdate u : feed) {
            String key = VigilTopics.reputationKeyString(u);
            ReputationUpdate prev = latest.get(key);
            if (prev == null || prev.getVersion() < u.getVersion()) latest.put(key, u);
        }
    }

    /** The verdict {@code tenant} sees for an indicator (tenant-scoped wins over global), or null. */
    Verdict verdict(String tenant, IndicatorType type, String value) {
        ReputationUpdate scoped = latest.get(tenant + "|" + type.name() + "|" + value);
        if (scoped != null) return scoped.getVerdict();
        ReputationUpdate global = latest.get("*|" + type.name() + "|" + value);
        return global == null ? null : global.getVerdict();
    }

    /** True when any indicator of the event is MALICIOUS for its tenant. */
    boolean anyMalicious(TelemetryEvent e) {
        for (Indicator i : indicators(e)) {
            if (verdict(e.getTenantId(), i.type(), i.value()) == Verdict.MALICIOUS) return true;
        }
        return false;
    }

    static List<Indicator> indicators(TelemetryEvent e) {
        List<Indicator> out = new ArrayList<>();
        Object a = e.getActivity();
        if (a instanceof ProcessActivity p) {
            addProcess(out, p.getProcess());
            addProcess(out, p.getParent());
        } else if (a instanceof NetworkActivity n) {
            if (n.getDstIp() != null) out.add(new Indicator(IndicatorType.IP, n.getDstIp()));
            addProcess(out, n.getProcess());
        } else if (a instanceof FileActivity f) {
            if (f.getHashes() != null && f.getHashes().getSha256() != null) {
                out.add(new Indicator(IndicatorType.SHA256, f.getHashes().getSha256()));
            }
            addProcess(out, f.getProcess());
        } else if (a instanceof DnsActivity d) {
            out.add(new Indicator(IndicatorType.DOMAIN, d.getQuery()));
            for (String ip : d.getAnswers()) out.add(new Indicator(IndicatorType.IP, ip));
            addProcess(out, d.getProcess());
        }
        return out;
    }

    private static void addProcess(List<Indicator> out, ProcessRef p) {
        if (p != null && p.getHashes() != null && p.getHashes().getSha256() != null) {
            out.add(new Indicator(IndicatorType.SHA256, p.getHashes().getSha256()));
        }
    }
}
