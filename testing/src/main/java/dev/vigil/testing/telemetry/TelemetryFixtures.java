package dev.vigil.testing.telemetry;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Static builders for valid {@link TelemetryEvent}s, one per activity kind.
 *
 * <p>Every event is fully valid: non-empty eventId and sensorId, host name, eventTime and ingestTime
 * (eventTime + 250 ms), {@code tenantId} = the tenant, {@code sourceProduct} and a {@code raw} map with the
 * source's own field names. Everything not given (pids, GUIDs, host IPs, sensor ids) is derived
 * deterministically from the arguments, so the same arguments always give equal events.
 *
 * <p>Operating system convention: a host whose name is all lower case (e.g. {@code web-01}) is a Linux host
 * (raw fields as osquery / sshd write them); any other name (e.g. {@code ACME-WS-001}) is a Windows host (raw
 * fields as Sysmon and the Windows Security log write them). An image path starting with {@code /} always
 * means Linux.
 */
public final class TelemetryFixtures {

    /** A fixed, arbitrary instant tests can use when the time does not matter. */
    public static final Instant DEFAULT_TIME = Instant.parse("2025-06-02T09:00:00Z");

    /** Milliseconds between eventTime and ingestTime in fixture events. */
    public static final long INGEST_DELAY_MILLIS = 250;

    public static final String SYSMON = "sysmon";
    public static final String WINDOWS_SECURITY = "windows-security";
    public static final String OSQUERY = "osquery";
    public static final String LINUX_AUTH = "linux-sshd";

    private static final DateTimeFormatter SYSMON_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private TelemetryFixtures() {}

    // ------------------------------------------------------------------------------------------------ process

    /** A process launch (Sysmon EventID 1 / osquery process_events). {@code sha256} and {@code parentImage} may be null. */
    public static TelemetryEvent processLaunch(String tenant, String host, String eventId, Instant time,
                                               String imagePath, String commandLine, String sha256,
                                               String user, String parentImage) {
        Objects.requireNonNull(imagePath, "imagePath");
        boolean linux = isLinux(host, imagePath);
        String cmd = commandLine != null ? commandLine : quoteIfNeeded(imagePath, linux);
        String qualifiedUser = qualifiedUser(tenant, user, linux);
        ProcessRef process = process(tenant, host, imagePath, cmd, sha256, qualifiedUser, linux);
        ProcessRef parent = parentImage == null ? null
                : process(tenant, host, parentImage, quoteIfNeeded(parentImage, linux), null, qualifiedUser, linux);
        ProcessActivity activity = ProcessActivity.newBuilder()
                .setAction(ProcessAction.LAUNCH)
                .setProcess(process)
                .setParent(parent)
                .setCurrentDirectory(linux ? "/home/" + bareUser(user) : "C:\\Users\\" + bareUser(user) + "\\")
                .setIntegrityLevel(linux ? null : "Medium")
                .build();

        Map<String, String> raw = new LinkedHashMap<>();
        if (linux) {
            raw.put("name", "process_events");
            raw.put("hostIdentifier", host);
            raw.put("time", Long.toString(time.getEpochSecond()));
            raw.put("pid", String.valueOf(process.getPid()));
            raw.put("path", imagePath);
            raw.put("cmdline", cmd);
            raw.put("cwd", activity.getCurrentDirectory());
            raw.put("username", bareUser(user));
            raw.put("uid", Integer.toString(1000 + Math.floorMod(bareUser(user).hashCode(), 1000)));
            if (sha256 != null) raw.put("sha256", sha256);
            if (parent != null) {
                raw.put("parent", String.valueOf(parent.getPid()));
                raw.put("parent_path", parentImage);
            }
        } else {
            raw.put("EventID", "1");
            raw.put("UtcTime", SYSMON_TIME.format(time));
            raw.put("Computer", host);
            raw.put("ProcessGuid", process.getGuid());
            raw.put("ProcessId", String.valueOf(process.getPid()));
            raw.put("Image", imagePath);
            raw.put("OriginalFileName", fileName(imagePath).toUpperCase(Locale.ROOT));
            raw.put("CommandLine", cmd);
            raw.put("CurrentDirectory", activity.getCurrentDirectory());
            raw.put("User", qualifiedUser);
            raw.put("IntegrityLevel", "Medium");
            if (sha256 != null) raw.put("Hashes", "SHA256=" + sha256.toUpperCase(Locale.ROOT));
            if (parent != null) {
                raw.put("ParentProcessGuid", parent.getGuid());
                raw.put("ParentProcessId", String.valueOf(parent.getPid()));
                raw.put("ParentImage", parentImage);
                raw.put("ParentCommandLine", parent.getCommandLine());
                raw.put("ParentUser", qualifiedUser);
            }
        }
        return event(tenant, host, eventId, time, linux ? OSQUERY : SYSMON, linux, activity, raw);
    }

    // ------------------------------------------------------------------------------------------------ network

    /** An outbound TCP connection (Sysmon EventID 3 / osquery socket_events) opened by {@code processImage}. */
    public static TelemetryEvent networkConnection(String tenant, String host, String eventId, Instant time,
                                                   String dstIp, int dstPort, String processImage) {
        return networkConnection(tenant, host, eventId, time, dstIp, dstPort, processImage, null, null);
    }

    /** As {@link #networkConnection(String, String, String, Instant, String, int, String)}, with the process's hash and user. */
    public static TelemetryEvent networkConnection(String tenant, String host, String eventId, Instant time,
                                                   String dstIp, int dstPort, String processImage,
                                                   String processSha256, String user) {
        Objects.requireNonNull(dstIp, "dstIp");
        boolean linux = isLinux(host, processImage);
        String srcIp = hostIp(tenant, host);
        int srcPort = 49152 + Math.floorMod(Objects.hash(eventId, dstIp, dstPort), 16000);
        String qualifiedUser = qualifiedUser(tenant, user, linux);
        ProcessRef process = processImage == null ? null
                : process(tenant, host, processImage, null, processSha256, qualifiedUser, linux);
        NetworkActivity activity = NetworkActivity.newBuilder()
                .setSrcIp(srcIp)
                .setSrcPort(srcPort)
                .setDstIp(dstIp)
                .setDstPort(dstPort)
                .setProtocol("tcp")
                .setDirection(Direction.OUTBOUND)
                .setProcess(process)
                .build();
        Map<String, String> raw = new LinkedHashMap<>();
        if (linux) {
            raw.put("name", "socket_events");
            raw.put("hostIdentifier", host);
            raw.put("time", Long.toString(time.getEpochSecond()));
            raw.put("action", "connect");
            raw.put("family", dstIp.contains(":") ? "10" : "2");
            raw.put("protocol", "6");
            raw.put("local_address", srcIp);
            raw.put("local_port", Integer.toString(srcPort));
            raw.put("remote_address", dstIp);
            raw.put("remote_port", Integer.toString(dstPort));
            if (process != null) {
                raw.put("pid", String.valueOf(process.getPid()));
                raw.put("path", processImage);
            }
        } else {
            raw.put("EventID", "3");
            raw.put("UtcTime", SYSMON_TIME.format(time));
            raw.put("Computer", host);
            if (process != null) {
                raw.put("ProcessGuid", process.getGuid());
                raw.put("ProcessId", String.valueOf(process.getPid()));
                raw.put("Image", processImage);
            }
            raw.put("User", qualifiedUser);
            raw.put("Protocol", "tcp");
            raw.put("Initiated", "true");
            raw.put("SourceIsIpv6", "false");
            raw.put("SourceIp", srcIp);
            raw.put("SourceHostname", host + "." + tenant + ".local");
            raw.put("SourcePort", Integer.toString(srcPort));
            raw.put("DestinationIsIpv6", dstIp.contains(":") ? "true" : "false");
            raw.put("DestinationIp", dstIp);
            raw.put("DestinationPort", Integer.toString(dstPort));
        }
        return event(tenant, host, eventId, time, linux ? OSQUERY : SYSMON, linux, activity, raw);
    }

    // ------------------------------------------------------------------------------------------------ file

    /** A file created/written (Sysmon EventID 11 / osquery file_events). {@code sha256} may be null. */
    public static TelemetryEvent fileWrite(String tenant, String host, String eventId, Instant time,
                                           String path, String sha256) {
        boolean linux = isLinux(host, path);
        return fileWrite(tenant, host, eventId, time, path, sha256,
                linux ? "/usr/bin/curl" : "C:\\Windows\\explorer.exe", null);
    }

    /** As {@link #fileWrite(String, String, String, Instant, String, String)}, naming the writing process and user. */
    public static TelemetryEvent fileWrite(String tenant, String host, String eventId, Instant time,
                                           String path, String sha256, String processImage, String user) {
        Objects.requireNonNull(path, "path");
        boolean linux = isLinux(host, path);
        String qualifiedUser = qualifiedUser(tenant, user, linux);
        ProcessRef process = processImage == null ? null
                : process(tenant, host, processImage, null, null, qualifiedUser, linux);
        FileActivity activity = FileActivity.newBuilder()
                .setAction(FileAction.CREATE)
                .setPath(path)
                .setHashes(sha256 == null ? null : new Hashes(sha256, null, null))
                .setProcess(process)
                .build();
        Map<String, String> raw = new LinkedHashMap<>();
        if (linux) {
            raw.put("name", "file_events");
            raw.put("hostIdentifier", host);
            raw.put("time", Long.toString(time.getEpochSecond()));
            raw.put("action", "CREATED");
            raw.put("target_path", path);
            if (sha256 != null) raw.put("sha256", sha256);
        } else {
            raw.put("EventID", "11");
            raw.put("UtcTime", SYSMON_TIME.format(time));
            raw.put("Computer", host);
            if (process != null) {
                raw.put("ProcessGuid", process.getGuid());
                raw.put("ProcessId", String.valueOf(process.getPid()));
                raw.put("Image", processImage);
            }
            raw.put("TargetFilename", path);
            raw.put("CreationUtcTime", SYSMON_TIME.format(time));
            raw.put("User", qualifiedUser);
            if (sha256 != null) raw.put("Hashes", "SHA256=" + sha256.toUpperCase(Locale.ROOT));
        }
        return event(tenant, host, eventId, time, linux ? OSQUERY : SYSMON, linux, activity, raw);
    }

    // ------------------------------------------------------------------------------------------------ dns

    /** A DNS query and its answers (Sysmon EventID 22 / osquery dns_lookup_events). */
    public static TelemetryEvent dnsQuery(String tenant, String host, String eventId, Instant time,
                                          String query, List<String> answers) {
        boolean linux = isLinux(host, null);
        return dnsQuery(tenant, host, eventId, time, query, answers,
                linux ? "/usr/lib/systemd/systemd-resolved" : "C:\\Windows\\System32\\svchost.exe");
    }

    /** As {@link #dnsQuery(String, String, String, Instant, String, List)}, naming the querying process. */
    public static TelemetryEvent dnsQuery(String tenant, String host, String eventId, Instant time,
                                          String query, List<String> answers, String processImage) {
        Objects.requireNonNull(query, "query");
        List<String> answerList = answers == null ? List.of() : List.copyOf(answers);
        boolean linux = isLinux(host, processImage);
        ProcessRef process = processImage == null ? null
                : process(tenant, host, processImage, null, null, null, linux);
        DnsActivity activity = DnsActivity.newBuilder()
                .setQuery(query.toLowerCase(Locale.ROOT))
                .setQueryType("A")
                .setAnswers(answerList)
                .setResponseCode(answerList.isEmpty() ? "NXDOMAIN" : "NOERROR")
                .setProcess(process)
                .build();
        Map<String, String> raw = new LinkedHashMap<>();
        if (linux) {
            raw.put("name", "dns_lookup_events");
            raw.put("hostIdentifier", host);
            raw.put("time", Long.toString(time.getEpochSecond()));
            raw.put("question", query);
            raw.put("type", "A");
            raw.put("answers", String.join(",", answerList));
            raw.put("rcode", answerList.isEmpty() ? "3" : "0");
        } else {
            raw.put("EventID", "22");
            raw.put("UtcTime", SYSMON_TIME.format(time));
            raw.put("Computer", host);
            if (process != null) {
                raw.put("ProcessGuid", process.getGuid());
                raw.put("ProcessId", String.valueOf(process.getPid()));
                raw.put("Image", processImage);
            }
            raw.put("QueryName", query);
            raw.put("QueryStatus", answerList.isEmpty() ? "9003" : "0");
            StringBuilder results = new StringBuilder();
            for (String a : answerList) results.append("::ffff:").append(a).append(';');
            raw.put("QueryResults", results.toString());
        }
        return event(tenant, host, eventId, time, linux ? OSQUERY : SYSMON, linux, activity, raw);
    }

    // ------------------------------------------------------------------------------------------------ auth

    /**
     * A logon attempt on {@code host} (Windows Security 4624/4625, or sshd on a Linux host).
     * {@code user} is the bare account name (e.g. {@code jdoe}); logonType is e.g. "3" (network), "10" (RDP), "2".
     */
    public static TelemetryEvent authentication(String tenant, String host, String eventId, Instant time,
                                                String user, AuthOutcome outcome, String sourceIp,
                                                String logonType) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(outcome, "outcome");
        boolean linux = isLinux(host, null);
        boolean failed = outcome == AuthOutcome.FAILURE;
        String domain = linux ? null : domainOf(tenant);
        AuthenticationActivity activity = AuthenticationActivity.newBuilder()
                .setUser(user)
                .setDomain(domain)
                .setLogonType(logonType)
                .setOutcome(outcome)
                .setSourceIp(sourceIp)
                .setAuthProtocol(linux ? "ssh" : "NTLM")
                .setFailureReason(failed ? (linux ? "Failed password" : "Unknown user name or bad password.") : null)
                .build();
        Map<String, String> raw = new LinkedHashMap<>();
        int port = 40000 + Math.floorMod(Objects.hash(eventId, user), 20000);
        if (linux) {
            raw.put("SYSLOG_IDENTIFIER", "sshd");
            raw.put("_HOSTNAME", host);
            raw.put("__REALTIME_TIMESTAMP", Long.toString(time.toEpochMilli() * 1000));
            raw.put("user", user);
            raw.put("rhost", sourceIp == null ? "" : sourceIp);
            raw.put("result", failed ? "failure" : "success");
            raw.put("MESSAGE", (failed ? "Failed password for " : "Accepted password for ") + user
                    + " from " + sourceIp + " port " + port + " ssh2");
        } else {
            raw.put("EventID", failed ? "4625" : "4624");
            raw.put("Channel", "Security");
            raw.put("Computer", host);
            raw.put("TimeCreated", SYSMON_TIME.format(time));
            raw.put("TargetUserName", user);
            raw.put("TargetDomainName", domain);
            raw.put("LogonType", logonType == null ? "3" : logonType);
            raw.put("IpAddress", sourceIp == null ? "-" : sourceIp);
            raw.put("IpPort", Integer.toString(port));
            raw.put("WorkstationName", failed ? "-" : host);
            raw.put("AuthenticationPackageName", "NTLM");
            raw.put("LogonProcessName", "NtLmSsp");
            if (failed) {
                raw.put("Status", "0xc000006d");
                raw.put("SubStatus", "0xc000006a");
                raw.put("FailureReason", "%%2313");
            }
        }
        return event(tenant, host, eventId, time, linux ? LINUX_AUTH : WINDOWS_SECURITY, linux, activity, raw);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}: a stable fake file hash. */
    public static String sha256Hex(String text) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A name-based UUID string: a stable event id for a test's own label. */
    public static String eventId(String label) {
        return UUID.nameUUIDFromBytes(label.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The deterministic internal IPv4 address fixtures give {@code host} of {@code tenant}. */
    public static String hostIp(String tenant, String host) {
        int h = (tenant + "/" + host).hashCode();
        return "10." + (16 + Math.floorMod(h, 16)) + "." + Math.floorMod(h >> 8, 250) + "." + (2 + Math.floorMod(h >> 16, 250));
    }

    /** The sensor id fixtures give the {@code product} sensor on {@code host} of {@code tenant}. */
    public static String sensorId(String tenant, String host, String product) {
        return product + "-" + sha256Hex(tenant + "/" + host + "/" + product).substring(0, 12);
    }

    /** The NetBIOS-style domain of a tenant, e.g. {@code ACME}. */
    public static String domainOf(String tenant) {
        return tenant.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }

    /** True when fixtures treat {@code host} as a Linux host (its name is all lower case). */
    public static boolean isLinuxHost(String host) {
        return host.equals(host.toLowerCase(Locale.ROOT));
    }

    private static boolean isLinux(String host, String path) {
        if (path != null && !path.isEmpty()) return path.startsWith("/");
        return isLinuxHost(host);
    }

    private static TelemetryEvent event(String tenant, String host, String eventId, Instant time, String product,
                                        boolean linux, Object activity, Map<String, String> raw) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        return TelemetryEvent.newBuilder()
                .setTenantId(tenant)
                .setEventId(eventId)
                .setEventTime(time)
                .setIngestTime(time.plusMillis(INGEST_DELAY_MILLIS))
                .setSensorId(sensorId(tenant, host, product))
                .setHost(new Host(host, hostIp(tenant, host), linux ? "Linux" : "Windows"))
                .setSourceProduct(product)
                .setActivity(activity)
                .setRaw(raw)
                .build();
    }

    private static ProcessRef process(String tenant, String host, String imagePath, String commandLine,
                                      String sha256, String user, boolean linux) {
        int h = (tenant + "/" + host + "/" + imagePath + "/" + commandLine).hashCode();
        long pid = linux ? 1000 + Math.floorMod(h, 60000) : 4 * (100 + Math.floorMod(h, 9000));
        String guid = "{" + UUID.nameUUIDFromBytes((tenant + host + imagePath + commandLine)
                .getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(Locale.ROOT) + "}";
        return ProcessRef.newBuilder()
                .setPid(pid)
                .setImagePath(imagePath)
                .setCommandLine(commandLine)
                .setHashes(sha256 == null ? null : new Hashes(sha256, null, null))
                .setUser(user)
                .setGuid(guid)
                .build();
    }

    private static String qualifiedUser(String tenant, String user, boolean linux) {
        if (user == null) return linux ? "root" : "NT AUTHORITY\\SYSTEM";
        if (linux || user.contains("\\")) return user;
        return domainOf(tenant) + "\\" + user;
    }

    private static String bareUser(String user) {
        if (user == null) return "Public";
        int i = user.lastIndexOf('\\');
        return i >= 0 ? user.substring(i + 1) : user;
    }

    private static String fileName(String path) {
        int i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
        return i >= 0 ? path.substring(i + 1) : path;
    }

    private static String quoteIfNeeded(String path, boolean linux) {
        return linux ? path : "\"" + path + "\"";
    }
}
