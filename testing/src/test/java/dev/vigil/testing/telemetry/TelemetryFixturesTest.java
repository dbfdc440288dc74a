package dev.vigil.testing.telemetry;

import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.DnsActivity;
import dev.vigil.schema.FileActivity;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryFixturesTest {

    private static final Instant T = Instant.parse("2025-06-02T10:15:30.123Z");

    @Test
    void processLaunchIsValidSysmonEvent() throws Exception {
        String sha = TelemetryFixtures.sha256Hex("x");
        TelemetryEvent e = TelemetryFixtures.processLaunch("acme", "ACME-WS-001", "e-1", T,
                "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c whoami", sha, "jdoe", "C:\\Windows\\explorer.exe");
        assertValid(e, "acme", "e-1");
        assertThat(e.getSourceProduct()).isEqualTo("sysmon");
        ProcessActivity p = (ProcessActivity) e.getActivity();
        assertThat(p.getAction()).isEqualTo(ProcessAction.LAUNCH);
        assertThat(p.getProcess().getImagePath()).isEqualTo("C:\\Windows\\System32\\cmd.exe");
        assertThat(p.getProcess().getHashes().getSha256()).isEqualTo(sha);
        assertThat(p.getParent().getImagePath()).isEqualTo("C:\\Windows\\explorer.exe");
        assertThat(e.getRaw()).containsEntry("Image", "C:\\Windows\\System32\\cmd.exe")
                .containsEntry("CommandLine", "cmd.exe /c whoami")
                .containsEntry("ParentImage", "C:\\Windows\\explorer.exe")
                .containsEntry("User", "ACME\\jdoe")
                .containsEntry("EventID", "1")
                .containsKey("Hashes");
        assertThat(e.getRaw().get("Hashes")).containsIgnoringCase(sha);
    }

    @Test
    void linuxProcessUsesOsqueryFields() throws Exception {
        TelemetryEvent e = TelemetryFixtures.processLaunch("globex", "globex-web-01", "e-2", T,
                "/usr/bin/curl", "curl http://x", null, "deploy", "/usr/bin/bash");
        assertValid(e, "globex", "e-2");
        assertThat(e.getSourceProduct()).isEqualTo("osquery");
        assertThat(e.getHost().getOs()).isEqualTo("Linux");
        assertThat(e.getRaw()).containsEntry("path", "/usr/bin/curl").containsEntry("cmdline", "curl http://x");
    }

    @Test
    void networkFileDnsAndAuthAreValid() throws Exception {
        TelemetryEvent net = TelemetryFixtures.networkConnection("acme", "ACME-WS-002", "n-1", T,
                "203.0.113.66", 443, "C:\\Users\\jdoe\\Downloads\\a.exe");
        assertValid(net, "acme", "n-1");
        assertThat(((NetworkActivity) net.getActivity()).getDstIp()).isEqualTo("203.0.113.66");
        assertThat(net.getRaw()).containsEntry("DestinationIp", "203.0.113.66").containsEntry("DestinationPort", "443");

        TelemetryEvent file = TelemetryFixtures.fileWrite("acme", "ACME-WS-002", "f-1", T,
                "C:\\Users\\jdoe\\Downloads\\a.exe", "ab".repeat(32));
        assertValid(file, "acme", "f-1");
        assertThat(((FileActivity) file.getActivity()).getHashes().getSha256()).isEqualTo("ab".repeat(32));
        assertThat(file.getRaw()).containsEntry("TargetFilename", "C:\\Users\\jdoe\\Downloads\\a.exe");

        TelemetryEvent dns = TelemetryFixtures.dnsQuery("acme", "ACME-WS-002", "d-1", T, "Evil.Example",
                List.of("203.0.113.66"));
        assertValid(dns, "acme", "d-1");
        assertThat(((DnsActivity) dns.getActivity()).getQuery()).isEqualTo("evil.example");
        assertThat(((DnsActivity) dns.getActivity()).getAnswers()).containsExactly("203.0.113.66");
        assertThat(dns.getRaw()).containsEntry("QueryName", "Evil.Example");

        TelemetryEvent auth = TelemetryFixtures.authentication("acme", "ACME-DC-01", "a-1", T, "jdoe",
                AuthOutcome.FAILURE, "185.220.101.7", "3");
        assertValid(auth, "acme", "a-1");
        assertThat(auth.getSourceProduct()).isEqualTo("windows-security");
        AuthenticationActivity a = (AuthenticationActivity) auth.getActivity();
        assertThat(a.getOutcome()).isEqualTo(AuthOutcome.FAILURE);
        assertThat(a.getUser()).isEqualTo("jdoe");
        assertThat(a.getSourceIp()).isEqualTo("185.220.101.7");
        assertThat(auth.getRaw()).containsEntry("EventID", "4625").containsEntry("TargetUserName", "jdoe")
                .containsEntry("IpAddress", "185.220.101.7").containsEntry("LogonType", "3");
    }

    @Test
    void fixturesAreDeterministic() {
        assertThat(TelemetryFixtures.networkConnection("acme", "H", "n", T, "1.2.3.4", 80, "C:\\a.exe"))
                .isEqualTo(TelemetryFixtures.networkConnection("acme", "H", "n", T, "1.2.3.4", 80, "C:\\a.exe"));
    }

    @Test
    void reputationFixturesAndKeys() throws Exception {
        ReputationUpdate g = ReputationFixtures.malicious(IndicatorType.SHA256, "ABCDEF");
        assertThat(g.getValue()).isEqualTo("abcdef");
        assertThat(g.getScope()).isNull();
        assertThat(g.getExpiresAt()).isAfter(g.getUpdatedAt());
        assertThat(new String(VigilTopics.reputationKey(g), StandardCharsets.UTF_8)).isEqualTo("*|SHA256|abcdef");

        ReputationUpdate s = ReputationFixtures.tenantScoped("acme", IndicatorType.IP, "198.51.100.23", Verdict.MALICIOUS);
        assertThat(new String(VigilTopics.reputationKey(s), StandardCharsets.UTF_8)).isEqualTo("acme|IP|198.51.100.23");
        assertThat(VigilTopics.decodeReputation(VigilTopics.encode(s))).isEqualTo(s);

        ReputationUpdate v2 = ReputationFixtures.withVersion(s, 2, Verdict.BENIGN, T);
        assertThat(v2.getVersion()).isEqualTo(2);
        assertThat(v2.getVerdict()).isEqualTo(Verdict.BENIGN);
        assertThat(v2.getScore()).isZero();
    }

    static void assertValid(TelemetryEvent e, String tenant, String eventId) throws Exception {
        assertThat(e.getTenantId()).isEqualTo(tenant);
        assertThat(e.getEventId()).isEqualTo(eventId);
        assertThat(e.getSensorId()).isNotEmpty();
        assertThat(e.getHost().getName()).isNotEmpty();
        assertThat(e.getEventTime()).isEqualTo(T);
        assertThat(e.getIngestTime()).isAfter(e.getEventTime());
        assertThat(e.getSourceProduct()).isNotEmpty();
        assertThat(e.getRaw()).isNotEmpty();
        assertThat(e.getActivity()).isNotNull();
        assertThat(VigilTopics.decodeTelemetry(VigilTopics.encode(e))).isEqualTo(e);
        assertThat(new String(VigilTopics.telemetryKey(e), StandardCharsets.UTF_8))
                .isEqualTo(tenant + "/" + e.getHost().getName());
    }
}
