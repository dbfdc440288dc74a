package dev.vigil.detections.windows;

import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.Direction;
import dev.vigil.schema.DnsActivity;
import dev.vigil.schema.FileAction;
import dev.vigil.schema.FileActivity;
import dev.vigil.schema.Hashes;
import dev.vigil.schema.Host;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ProcessAction;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.TelemetryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns one Windows event, flattened by {@link WindowsEventJson}, into a {@link TelemetryEvent}:
 * the complete field map as {@code raw} (every value as text, so rules see exactly what the
 * collector wrote), plus a typed activity where the event has one:
 * <ul>
 *   <li>Sysmon 1 and Security 4688: process launch (4688's NewProcessName, ParentProcessName, hex
 *       ids and MandatoryLabel understood); Sysmon 5: process end;</li>
 *   <li>Sysmon 3 and Security 5156: network connection;</li>
 *   <li>Sysmon 11 (create), 23 / 26 (delete): file activity;</li>
 *   <li>Sysmon 22: DNS query;</li>
 *   <li>Security 4624 / 4625: logon success / failure.</li>
 * </ul>
 * Quirks real exports have: numbers written as strings (or strings as numbers), lower-case channel
 * names, several time fields in several formats, no record id.
 */
public final class WindowsTelemetry {

    private static final DateTimeFormatter SPACE_SEPARATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS][.SSSSSS][.SSS]");
    private static final List<String> TIME_FIELDS =
            List.of("TimeCreated_SystemTime", "TimeCreated", "@timestamp", "EventTime", "UtcTime", "EventReceivedTime");

    private WindowsTelemetry() {}

    /**
     * @param tenant the tenant the event belongs to (from the topic or the caller)
     * @param fields one event as {@link WindowsEventJson#flatten} returns it
     * @param fallbackTime event time when the event carries none that parses
     * @param fallbackIdentity identifies the event when it has no record id (e.g. its file and
     *     position, or its bytes), so the same input always gets the same event id
     */
    public static TelemetryEvent toTelemetry(String tenant, Map<String, Object> fields, Instant fallbackTime,
            String fallbackIdentity) {
        Map<String, String> raw = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null) {
                raw.put(k, text(v));
            }
        });
        String computer = first(raw, "Computer", "Hostname", "host.name", "ComputerName");
        String channel = raw.get("Channel");
        int eventId = integer(raw.get("EventID"), -1);
        String recordId = raw.get("EventRecordID");
        String identity = recordId != null
                ? tenant + '\u0000' + computer + '\u0000' + channel + '\u0000' + recordId
                : tenant + '\u0000' + fallbackIdentity;
        Instant time = time(raw, fallbackTime);
        return TelemetryEvent.newBuilder()
                .setTenantId(tenant)
                .setEventId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
                .setEventTime(time)
                .setIngestTime(fallbackTime)
                .setSensorId(computer == null ? "windows" : computer)
                .setHost(new Host(computer == null ? "unknown" : computer, null, "windows"))
                .setSourceProduct(product(raw, channel))
                .setActivity(activity(raw, isSysmon(channel, raw), isSecurity(channel), eventId))
                .setRaw(raw)
                .build();
    }

    private static Object activity(Map<String, String> f, boolean sysmon, boolean security, int eventId) {
        if (sysmon) {
            return switch (eventId) {
                case 1 -> process(f, ProcessAction.LAUNCH);
                case 5 -> process(f, ProcessAction.TERMINATE);
                case 3 -> sysmonNetwork(f);
                case 11 -> file(f, FileAction.CREATE);
                case 23, 26 -> file(f, FileAction.DELETE);
                case 22 -> dns(f);
                default -> null;
            };
        }
        if (security) {
            return switch (eventId) {
                case 4688 -> securityProcess(f);
                case 5156 -> securityNetwork(f);
                case 4624 -> logon(f, AuthOutcome.SUCCESS);
                case 4625 -> logon(f, AuthOutcome.FAILURE);
                default -> null;
            };
        }
        return null;
    }

    private static ProcessActivity process(Map<String, String> f, ProcessAction action) {
        ProcessRef parent = f.containsKey("ParentImage") || f.containsKey("ParentProcessId")
                ? new ProcessRef(number(f.get("ParentProcessId")), f.get("ParentImage"), f.get("ParentCommandLine"), null,
                        f.get("ParentUser"), f.get("ParentProcessGuid"))
                : null;
        return new ProcessActivity(action, actor(f), parent, f.get("CurrentDirectory"), f.get("IntegrityLevel"));
    }

    private static ProcessActivity securityProcess(Map<String, String> f) {
        String user = f.get("SubjectUserName") == null ? null
                : f.get("SubjectDomainName") == null ? f.get("SubjectUserName") : f.get("SubjectDomainName") + "\\" + f.get("SubjectUserName");
        ProcessRef process = new ProcessRef(number(f.get("NewProcessId")), f.get("NewProcessName"), f.get("CommandLine"), null, user, null);
        ProcessRef parent = f.containsKey("ParentProcessName") || f.containsKey("ProcessId")
                ? new ProcessRef(number(f.get("ProcessId")), f.get("ParentProcessName"), null, null, null, null)
                : null;
        return new ProcessActivity(ProcessAction.LAUNCH, process, parent, null, f.get("MandatoryLabel"));
    }

    /** The acting process of a Sysmon event. */
    private static ProcessRef actor(Map<String, String> f) {
        return new ProcessRef(number(f.get("ProcessId")), f.get("Image"), f.get("CommandLine"), hashes(f.get("Hashes")),
                f.get("User"), f.get("ProcessGuid"));
    }

    private static NetworkActivity sysmonNetwork(Map<String, String> f) {
        String initiated = f.get("Initiated");
        Direction direction = initiated == null ? Direction.UNKNOWN
                : Boolean.parseBoolean(initiated) ? Direction.OUTBOUND : Direction.INBOUND;
        return new NetworkActivity(f.get("SourceIp"), port(f.get("SourcePort")), f.get("DestinationIp"),
                port(f.get("DestinationPort")), f.get("DestinationHostname"), f.get("Protocol"), direction, actor(f));
    }

    private static NetworkActivity securityNetwork(Map<String, String> f) {
        String d = f.get("Direction");
        // %%14592 inbound, %%14593 outbound (the message table ids Windows writes untranslated)
        Direction direction = d == null ? Direction.UNKNOWN : d.contains("14593") || d.equalsIgnoreCase("outbound")
                ? Direction.OUTBOUND : d.contains("14592") || d.equalsIgnoreCase("inbound") ? Direction.INBOUND : Direction.UNKNOWN;
        ProcessRef app = f.get("Application") == null ? null
                : new ProcessRef(number(f.get("ProcessID") != null ? f.get("ProcessID") : f.get("ProcessId")), f.get("Application"), null, null, null, null);
        return new NetworkActivity(f.get("SourceAddress"), port(f.get("SourcePort")), f.get("DestAddress"),
                port(f.get("DestPort")), null, f.get("Protocol"), direction, app);
    }

    private static FileActivity file(Map<String, String> f, FileAction action) {
        String path = f.get("TargetFilename");
        return path == null ? null : new FileActivity(action, path, hashes(f.get("Hashes")), actor(f));
    }

    private static DnsActivity dns(Map<String, String> f) {
        String query = f.get("QueryName");
        if (query == null) {
            return null;
        }
        List<String> answers = new ArrayList<>();
        String results = f.get("QueryResults");
        if (results != null) {
            for (String a : results.split(";")) {
                if (!a.isBlank()) {
                    answers.add(a.trim());
                }
            }
        }
        return new DnsActivity(query, null, answers, f.get("QueryStatus"), actor(f));
    }

    private static AuthenticationActivity logon(Map<String, String> f, AuthOutcome outcome) {
        String user = f.get("TargetUserName");
        if (user == null) {
            return null;
        }
        String ip = f.get("IpAddress");
        return new AuthenticationActivity(user, f.get("TargetDomainName"), f.get("LogonType"), outcome,
                ip == null || ip.equals("-") ? null : ip, f.get("AuthenticationPackageName"),
                outcome == AuthOutcome.FAILURE ? first(f, "FailureReason", "Status") : null);
    }

    /** Sysmon's {@code SHA1=..,MD5=..,SHA256=..,IMPHASH=..}, lower-cased. */
    static Hashes hashes(String sysmon) {
        if (sysmon == null || sysmon.isEmpty()) {
            return null;
        }
        String sha256 = null;
        String sha1 = null;
        String md5 = null;
        for (String part : sysmon.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = part.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            switch (part.substring(0, eq).trim().toUpperCase(Locale.ROOT)) {
                case "SHA256" -> sha256 = value;
                case "SHA1" -> sha1 = value;
                case "MD5" -> md5 = value;
                default -> { }
            }
        }
        return sha256 == null && sha1 == null && md5 == null ? null : new Hashes(sha256, sha1, md5);
    }

    private static boolean isSysmon(String channel, Map<String, String> f) {
        return (channel != null && channel.toLowerCase(Locale.ROOT).contains("sysmon"))
                || "Microsoft-Windows-Sysmon".equalsIgnoreCase(first(f, "Provider_Name", "SourceName"));
    }

    private static boolean isSecurity(String channel) {
        return channel != null && channel.equalsIgnoreCase("Security");
    }

    private static String product(Map<String, String> f, String channel) {
        if (isSysmon(channel, f)) {
            return "sysmon";
        }
        String provider = first(f, "Provider_Name", "SourceName");
        return provider != null ? provider : channel == null ? "windows" : channel;
    }

    static Instant time(Map<String, String> f, Instant fallback) {
        for (String field : TIME_FIELDS) {
            String v = f.get(field);
            if (v == null || v.isBlank()) {
                continue;
            }
            Instant t = parseTime(v.trim());
            if (t != null) {
                return t;
            }
        }
        return fallback;
    }

    private static Instant parseTime(String v) {
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // next format
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next format
        }
        try {
            return LocalDateTime.parse(v, SPACE_SEPARATED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(Object v) {
        if (v instanceof List<?> list) {
            List<String> parts = new ArrayList<>(list.size());
            for (Object o : list) {
                parts.add(String.valueOf(o));
            }
            return String.join(", ", parts);
        }
        return String.valueOf(v);
    }

    private static String first(Map<String, String> f, String... names) {
        for (String n : names) {
            String v = f.get(n);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** Decimal or {@code 0x} hex (4688 writes process ids in hex); null when absent or not a number. */
    static Long number(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String s = v.trim();
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer port(String v) {
        Long n = number(v);
        return n == null || n < 0 || n > 65535 ? null : n.intValue();
    }

    private static int integer(String v, int fallback) {
        Long n = number(v);
        return n == null ? fallback : n.intValue();
    }
}
