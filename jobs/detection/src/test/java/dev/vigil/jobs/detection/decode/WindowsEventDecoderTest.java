package dev.vigil.jobs.detection.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.internal.DecodedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Third-party Windows event JSON from a raw-windows.&lt;tenant&gt; topic: converted, or dead-lettered with a reason. */
class WindowsEventDecoderTest {

    private static final long RECORD_TIME = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
    private final WindowsEventDecoder decoder = new WindowsEventDecoder(64 * 1024, Duration.ofHours(1));

    /** evtx_dump's shape, pretty-printed as it writes it; numbers as strings, attributes, a channel in lower case. */
    private static final String EVTX = """
            {
              "Event": {
                "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
                "System": {
                  "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},
                  "EventID": 1,
                  "TimeCreated": {"#attributes": {"SystemTime": "2026-03-01T11:59:58.123456Z"}},
                  "EventRecordID": "4711",
                  "Channel": "microsoft-windows-sysmon/operational",
                  "Computer": "ws-07.corp.example"
                },
                "EventData": {
                  "Image": "C:\\\\Windows\\\\System32\\\\wbem\\\\WMIC.exe",
                  "CommandLine": "wmic group list brief",
                  "ProcessId": "4242",
                  "ParentImage": "C:\\\\Windows\\\\System32\\\\cmd.exe",
                  "Hashes": "SHA1=AA,MD5=BB,SHA256=CC",
                  "User": "CORP\\\\eve"
                }
              }
            }
            """;

    @Test
    void turnsAnEvtxDumpEventIntoATypedProcessLaunchWithItsCompleteRawFields() {
        DecodedRecord r = decode("raw-windows.acme", EVTX, 3);
        assertThat(r.getDeadLetter()).isNull();
        assertThat(r.getEvent().getTenantId()).isEqualTo("acme");
        assertThat(r.getEvent().getEventTime()).isEqualTo(Instant.parse("2026-03-01T11:59:58.123Z"));
        assertThat(r.getEvent().getHost().getName()).isEqualTo("ws-07.corp.example");
        assertThat(r.getEvent().getSourceProduct()).isEqualTo("sysmon");
        ProcessActivity p = (ProcessActivity) r.getEvent().getActivity();
        assertThat(p.getAction()).isEqualTo(ProcessAction.LAUNCH);
        assertThat(p.getProcess().getImagePath()).isEqualTo("C:\\Windows\\System32\\wbem\\WMIC.exe");
        assertThat(p.getProcess().getPid()).isEqualTo(4242L);
        assertThat(p.getProcess().getHashes().getSha256()).isEqualTo("cc");
        assertThat(p.getParent().getImagePath()).isEqualTo("C:\\Windows\\System32\\cmd.exe");
        assertThat(r.getEvent().getRaw()).containsEntry("EventID", "1").containsEntry("EventRecordID", "4711")
                .containsEntry("Provider_Name", "Microsoft-Windows-Sysmon").containsEntry("CommandLine", "wmic group list brief");
        // the same record again (a collector resending) gets the same id; the id does not depend on the offset
        assertThat(decode("raw-windows.acme", EVTX, 99).getEvent().getEventId()).isEqualTo(r.getEvent().getEventId());
    }

    @Test
    void turnsAFlatLineWithSpacesInNamesAndHtmlEntitiesIntoALogonFailure() {
        String line = "{\"EventID\":\"4625\",\"Channel\":\"Security\",\"Hostname\":\"dc-01\",\"TimeCreated\":\"2026-03-01 11:00:00.500\","
                + "\"TargetUserName\":\"alice\",\"TargetDomainName\":\"CORP\",\"IpAddress\":\"198.51.100.9\",\"LogonType\":3,"
                + "\"Process Name\":\"&lt;unknown process&gt;\"}";
        DecodedRecord r = decode("raw-windows.globex", line, 0);
        assertThat(r.getDeadLetter()).isNull();
        AuthenticationActivity a = (AuthenticationActivity) r.getEvent().getActivity();
        assertThat(a.getOutcome()).isEqualTo(AuthOutcome.FAILURE);
        assertThat(a.getUser()).isEqualTo("alice");
        assertThat(a.getSourceIp()).isEqualTo("198.51.100.9");
        assertThat(r.getEvent().getEventTime()).isEqualTo(Instant.parse("2026-03-01T11:00:00.500Z"));
        assertThat(r.getEvent().getRaw()).containsEntry("ProcessName", "<unknown process>").containsEntry("LogonType", "3");
        // no record id: the id comes from where the record is stored
        assertThat(decode("raw-windows.globex", line, 1).getEvent().getEventId()).isNotEqualTo(r.getEvent().getEventId());
    }

    @Test
    void deadLettersWhatIsNotOneWindowsEventWithAReason() {
        assertThat(reason("raw-windows.acme", "this is not json")).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason("raw-windows.acme", "{\"EventID\":1}{\"EventID\":2}")).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason("raw-windows.acme", "[1, 2]")).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason("raw-windows.acme", "")).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(reason("raw-windows.acme", "{\"Channel\":\"Security\"}")).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(reason("raw-windows.acme", "{\"EventID\":1,\"TimeCreated\":\"2026-03-01T18:00:00Z\"}"))
                .isEqualTo(DeadLetterReason.IMPOSSIBLE_TIMESTAMP);
        assertThat(reason("raw-windows.acme", "{\"EventID\":1,\"x\":\"" + "a".repeat(70_000) + "\"}"))
                .isEqualTo(DeadLetterReason.OVERSIZE);
        assertThat(reason("raw-windows.bad tenant", "{\"EventID\":1}")).isEqualTo(DeadLetterReason.MISSING_TENANT);
        DecodedRecord dead = decode("raw-windows.acme", "{broken", 5);
        assertThat(dead.getDeadLetter().getOriginalValue().array()).isEqualTo("{broken".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.getDeadLetter().getOffset()).isEqualTo(5L);
    }

    @Test
    void anEventWithoutATimeTakesTheRecordTimestamp() {
        DecodedRecord r = decode("raw-windows.acme", "{\"EventID\":4104,\"Channel\":\"Microsoft-Windows-PowerShell/Operational\"}", 0);
        assertThat(r.getEvent().getEventTime().toEpochMilli()).isEqualTo(RECORD_TIME);
        assertThat(r.getEvent().getActivity()).isNull();
        assertThat(r.getEvent().getHost().getName()).isEqualTo("unknown");
    }

    private DecodedRecord decode(String topic, String value, long offset) {
        return decoder.decode(topic, 0, offset, null, value.getBytes(StandardCharsets.UTF_8), RECORD_TIME);
    }

    private DeadLetterReason reason(String topic, String value) {
        DecodedRecord r = decode(topic, value, 0);
        assertThat(r.getEvent()).as(value).isNull();
        return r.getDeadLetter().getReason();
    }
}
