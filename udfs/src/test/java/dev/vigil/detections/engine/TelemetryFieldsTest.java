package dev.vigil.detections.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.Host;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.TelemetryEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelemetryFieldsTest {

    private static TelemetryEvent event(Map<String, String> raw) {
        Instant t = Instant.parse("2026-12-04T10:00:00Z");
        ProcessActivity launch = new ProcessActivity(ProcessAction.LAUNCH,
                new ProcessRef(7L, "C:\\typed.exe", null, null, null, null), null, null, null);
        return TelemetryEvent.newBuilder().setTenantId("t").setEventId("e1").setEventTime(t).setIngestTime(t)
                .setSensorId("s").setHost(new Host("ws-01", "Windows 11", null)).setActivity(launch).setRaw(raw).build();
    }

    @Test
    void aRawFieldIsFoundUnderItsNameThenIgnoringCaseThenAsTheTypedField() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("sourceuser", "NT AUTHORITY\\SYSTEM");
        raw.put("CommandLine", "cmd /c whoami");
        raw.put("commandline", "a second spelling");
        TelemetryFields fields = TelemetryFields.of(event(raw));
        assertThat(fields.get("CommandLine")).isEqualTo("cmd /c whoami");
        assertThat(fields.get("SourceUser")).isEqualTo("NT AUTHORITY\\SYSTEM");
        assertThat(fields.get("SOURCEUSER")).isEqualTo("NT AUTHORITY\\SYSTEM");
        assertThat(fields.get("Image")).as("not in raw: the typed field").isEqualTo("C:\\typed.exe");
        assertThat(fields.get("ParentUser")).isNull();
        assertThat(fields.get("SourceUse")).isNull();
    }

    @Test
    void namesCompareAsTheirLowerCasedTexts() {
        String[] names = {"Image", "IMAGE", "image", "Imagé", "IMAGÉ", "İmage", "i̇mage", "ΣΑΣ", "σας", "σασ", "K", "\u212A",
                "k", "SourceUser", "SourceUsers", ""};
        for (String a : names) {
            for (String b : names) {
                assertThat(TelemetryFields.sameIgnoringCase(a, b)).as("%s / %s", a, b)
                        .isEqualTo(a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT)));
            }
        }
        Random random = new Random(4);
        String alphabet = "aAbBzZ_09é\u00c9\u0130i\u03a3\u03c3\u03c2\u212ak";
        for (int n = 0; n < 20_000; n++) {
            String a = randomText(random, alphabet);
            String b = random.nextBoolean() ? flipCase(random, a) : randomText(random, alphabet);
            assertThat(TelemetryFields.sameIgnoringCase(a, b)).as("%s / %s", a, b)
                    .isEqualTo(a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT)));
        }
    }

    private static String randomText(Random random, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(5); i > 0; i--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String flipCase(Random random, String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return b.toString();
    }
}
