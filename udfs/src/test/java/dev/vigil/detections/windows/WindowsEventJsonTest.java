package dev.vigil.detections.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsEventJsonTest {

    static List<Map<String, Object>> read(String json) throws Exception {
        return WindowsEventJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void evtxDumpObjectsConcatenatedAndFlattened() throws Exception {
        String one = """
                {
                  "Event": {
                    "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
                    "System": {
                      "Provider": {"#attributes": {"Name": "Microsoft-Windows-Windows Defender", "Guid": "11CD958A"}},
                      "EventID": {"#attributes": {"Qualifiers": 0}, "#text": 1119},
                      "EventRecordID": 42,
                      "Channel": "Microsoft-Windows-Windows Defender/Operational"
                    },
                    "EventData": {"Threat Name": "HackTool:Win32/Mimikatz", "Path": "C:\\\\x.exe"}
                  }
                }
                """;
        String two = """
                {"Event": {"System": {"EventID": 5857, "Channel": "Microsoft-Windows-WMI-Activity/Operational"},
                  "UserData": {"Operation_StartedOperational": {"#attributes": {"xmlns": "x"}, "ProviderName": "SCM Event Provider", "Code": "0x0"}}}}
                """;
        List<Map<String, Object>> events = read(one + two);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).containsEntry("EventID", 1119).containsEntry("EventRecordID", 42)
                .containsEntry("Provider_Name", "Microsoft-Windows-Windows Defender")
                .containsEntry("ThreatName", "HackTool:Win32/Mimikatz").containsEntry("Path", "C:\\x.exe")
                .doesNotContainKey("#attributes");
        assertThat(events.get(1)).containsEntry("ProviderName", "SCM Event Provider").containsEntry("EventID", 5857)
                .doesNotContainKey("#attributes");
    }

    @Test
    void flatLinesKeepTheirQuirksReadable() throws Exception {
        String lines = "{\"EventID\":4688,\"Channel\":\"security\",\"LogonType\":\"9\",\"ParentProcessName\":\"&lt;unknown process&gt;\"}\n"
                + "{\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"Image\":\"a &amp; b\"}\n";
        List<Map<String, Object>> events = read(lines);
        assertThat(events.get(0)).containsEntry("Channel", "security").containsEntry("LogonType", "9")
                .containsEntry("ParentProcessName", "<unknown process>");
        assertThat(events.get(1)).containsEntry("Image", "a & b");
    }

    @Test
    void entitiesDecodeAndUnknownOnesStay() {
        assertThat(HtmlEntities.decode("&#65;&#x42;&quot;&apos;&bogus; & x")).isEqualTo("AB\"'&bogus; & x");
    }
}
