package dev.vigil.detections.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detections.api.Detection;
import dev.vigil.detections.api.DetectionMetadata;
import dev.vigil.detections.api.Finding;
import dev.vigil.detections.builtin.PortScan;
import dev.vigil.detections.sigma.LogsourceMapping;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.detections.sigma.SigmaRuleCompiler;
import dev.vigil.detections.sigma.SigmaRuleSet;
import dev.vigil.schema.Direction;
import dev.vigil.schema.EnrichedEvent;
import dev.vigil.schema.Host;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.Severity;
import dev.vigil.schema.TelemetryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The engine the job, the sample runner and {@code vigil detect} share: Java and Sigma together, per tenant. */
class DetectionEngineTest {

    private static final String RULE = """
            title: Local groups recon via wmic
            id: 2f0cf6a4-0000-4000-8000-000000000001
            status: test
            description: wmic listing groups
            author: Jane Analyst
            level: low
            tags: [attack.discovery, attack.t1069.001]
            references: [https://example.org/wmic]
            falsepositives: [Admin scripts]
            logsource: {product: windows, category: process_creation}
            detection:
              selection:
                Image|endswith: '\\\\wmic.exe'
                CommandLine|contains: ' group'
              condition: selection
            """;

    /** A Java detection that finds every process launch. */
    static final class AnyLaunch implements Detection {
        @Override
        public DetectionMetadata metadata() {
            return DetectionMetadata.builder("test-any-launch", "Any launch").author("Vigil").build();
        }

        @Override
        public Finding evaluate(EnrichedEvent event) {
            return event.getEvent().getActivity() instanceof ProcessActivity ? Finding.about("host", "h", "launch") : null;
        }
    }

    @Test
    void runsJavaAndSigmaOnOneEventAndTheRuleSeesVigilsOwnTelemetryUnderSysmonNames() throws Exception {
        DetectionEngine engine = engine(DetectionSelection.ALL);
        // native telemetry: no raw map at all, the typed fields answer Image and CommandLine
        List<String> hits = evaluate(engine, launch("acme", "C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic group list", Map.of()));
        assertThat(hits).containsExactly("test-any-launch", "2f0cf6a4-0000-4000-8000-000000000001");
        assertThat(evaluate(engine, launch("acme", "C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic os get", Map.of())))
                .containsExactly("test-any-launch");
    }

    @Test
    void theRawMapWinsOverTypedFieldsAndIsMatchedIgnoringTheNamesCase() throws Exception {
        DetectionEngine engine = engine(DetectionSelection.ALL);
        // the source's own fields: a collector that wrote "commandline" in lower case, and an Image the typed field lacks
        Map<String, String> raw = Map.of("EventID", "1", "Channel", "Microsoft-Windows-Sysmon/Operational",
                "Image", "C:\\Windows\\System32\\wbem\\wmic.exe", "commandline", "wmic group list brief");
        assertThat(evaluate(engine, launch("acme", null, null, raw))).contains("2f0cf6a4-0000-4000-8000-000000000001");
    }

    @Test
    void whichDetectionsRunIsDecidedPerTenant() throws Exception {
        DetectionSelection selection = DetectionSelection.parse(new Yaml().load("""
                disabled: [test-any-launch]
                tenants:
                  globex: {only: [test-any-launch, 2f0cf6a4-0000-4000-8000-000000000001]}
                  initech: {disabled: [2f0cf6a4-0000-4000-8000-000000000001]}
                """), "test");
        DetectionEngine engine = engine(selection);
        String image = "C:\\Windows\\System32\\wbem\\WMIC.exe";
        assertThat(evaluate(engine, launch("acme", image, "wmic group list", Map.of())))
                .containsExactly("2f0cf6a4-0000-4000-8000-000000000001");
        assertThat(evaluate(engine, launch("globex", image, "wmic group list", Map.of())))
                .as("disabled everywhere beats a tenant's only-list").containsExactly("2f0cf6a4-0000-4000-8000-000000000001");
        assertThat(evaluate(engine, launch("initech", image, "wmic group list", Map.of()))).isEmpty();
        assertThat(engine.unknownSelectedIds()).isEmpty();
        assertThat(engine(DetectionSelection.parse(new Yaml().load("disabled: [no-such-rule]"), "t")).unknownSelectedIds())
                .containsExactly("no-such-rule");
    }

    @Test
    void aSelectionWithAnUnknownKeyFailsLoudly() {
        assertThatThrownBy(() -> DetectionSelection.parse(new Yaml().load("tenants: {acme: {disable: [x]}}"), "detections.yaml"))
                .hasMessageContaining("detections.yaml").hasMessageContaining("disable");
        assertThatThrownBy(() -> DetectionSelection.parse(new Yaml().load("disabeld: [x]"), "detections.yaml"))
                .hasMessageContaining("disabeld");
    }

    @Test
    void aSigmaRulesHeaderBecomesTheDetectionsMetadata() throws Exception {
        DetectionMetadata m = engine(DetectionSelection.ALL).metadata(1);
        assertThat(m.id()).isEqualTo("2f0cf6a4-0000-4000-8000-000000000001");
        assertThat(m.title()).isEqualTo("Local groups recon via wmic");
        assertThat(m.author()).isEqualTo("Jane Analyst");
        assertThat(m.severity()).isEqualTo(Severity.LOW);
        assertThat(m.status()).isEqualTo(DetectionMetadata.Status.TEST);
        assertThat(m.tags()).containsExactly("attack.discovery", "attack.t1069.001");
        assertThat(m.techniques()).containsExactly("T1069.001");
        assertThat(m.references()).containsExactly("https://example.org/wmic");
        assertThat(m.falsePositives()).containsExactly("Admin scripts");
        assertThat(engine(DetectionSelection.ALL).kind(1)).isEqualTo("sigma");
    }

    @Test
    void twoDetectionsWithOneIdAreRefused() throws Exception {
        SigmaRule rule = rule();
        assertThatThrownBy(() -> new DetectionEngine(List.of(), new SigmaRuleSet(List.of(rule, rule)), DetectionSelection.ALL))
                .hasMessageContaining("share the id");
    }

    @Test
    void aDistinctCountReadsItsFieldFromTheEvent() {
        DetectionEngine engine = new DetectionEngine(List.of(new PortScan()), new SigmaRuleSet(List.of()), DetectionSelection.ALL);
        TelemetryEvent connection = event("acme", new NetworkActivity("10.0.0.7", 50000, "10.0.0.9", 445, null, "tcp",
                Direction.OUTBOUND, null), Map.of());
        assertThat(engine.countedValue(0, connection)).isEqualTo("445");
        List<String> hits = evaluate(engine, connection);
        assertThat(hits).containsExactly("vigil-builtin-port-scan");
    }

    private static DetectionEngine engine(DetectionSelection selection) throws Exception {
        return new DetectionEngine(List.of(new AnyLaunch()), new SigmaRuleSet(List.of(rule())), selection);
    }

    private static SigmaRule rule() throws Exception {
        return new SigmaRuleCompiler(LogsourceMapping.windows(), Map.of()).compile("rule.yml", new Yaml().load(RULE));
    }

    private static List<String> evaluate(DetectionEngine engine, TelemetryEvent event) {
        List<String> ids = new ArrayList<>();
        engine.evaluate(new EnrichedEvent(event, List.of()), (d, f) -> ids.add(engine.metadata(d).id()));
        return ids;
    }

    private static TelemetryEvent launch(String tenant, String image, String commandLine, Map<String, String> raw) {
        return event(tenant, new ProcessActivity(ProcessAction.LAUNCH, new ProcessRef(42L, image, commandLine, null, null, null),
                null, null, null), raw);
    }

    private static TelemetryEvent event(String tenant, Object activity, Map<String, String> raw) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return TelemetryEvent.newBuilder().setTenantId(tenant).setEventId("e1").setEventTime(t).setIngestTime(t)
                .setSensorId("s").setHost(new Host("ws-01", null, null)).setActivity(activity).setRaw(raw).build();
    }
}
