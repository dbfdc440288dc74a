package dev.vigil.detections.engine;

import dev.vigil.detections.sigma.EventFields;
import dev.vigil.schema.AuthenticationActivity;
import dev.vigil.schema.Direction;
import dev.vigil.schema.DnsActivity;
import dev.vigil.schema.FileActivity;
import dev.vigil.schema.Hashes;
import dev.vigil.schema.NetworkActivity;
import dev.vigil.schema.ProcessActivity;
import dev.vigil.schema.ProcessRef;
import dev.vigil.schema.TelemetryEvent;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link TelemetryEvent} as Sigma rules see it. A field is looked up in the event's {@code raw}
 * map first (the source's own names: full fidelity for Windows events), exactly and then ignoring
 * case; when the source did not keep it there, the Sysmon / Windows Security name of a typed field
 * answers ({@code Image}, {@code CommandLine}, {@code DestinationIp}, {@code TargetUserName},
 * {@code Computer}, ...), so rules also run on Vigil's own sensors' telemetry.
 *
 * <p>Reusable: {@link #reset} points it at the next event, so the hot path allocates nothing for it.
 */
public final class TelemetryFields implements EventFields {

    private TelemetryEvent event;
    private Map<String, String> raw;

    public TelemetryFields reset(TelemetryEvent event) {
        this.event = event;
        this.raw = event.getRaw();
        return this;
    }

    public static TelemetryFields of(TelemetryEvent event) {
        return new TelemetryFields().reset(event);
    }

    @Override
    public Object get(String field) {
        String v = raw.get(field);
        return v != null ? v : notInRaw(field);
    }

    /**
     * A field not in {@code raw} under its exact name: rare for Windows events, and kept out of {@link #get} so
     * that the compiler inlines the common case (with the case-insensitive search in it, {@code get} was too large
     * to inline into the rule index without crowding out the scans).
     */
    private Object notInRaw(String field) {
        Object typed = typed(field);
        if (typed != null) {
            return typed;
        }
        // Ignoring case: the first name in the map's order that lower-cases to the same text. Compared in place:
        // building a lower-cased copy of the map took 4 us per event (41 names of a Sysmon 10 event, allocated
        // and hashed) for a rule naming a field the event does not have, as Sysmon before 13 has no SourceUser.
        boolean asciiField = isAscii(field);
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            if (sameIgnoringCase(entry.getKey(), field, asciiField)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Whether {@code a} and {@code b} lower-case ({@link Locale#ROOT}) to the same text. */
    static boolean sameIgnoringCase(String a, String b) {
        return sameIgnoringCase(a, b, isAscii(b));
    }

    private static boolean sameIgnoringCase(String a, String b, boolean asciiB) {
        int n = a.length();
        if (n != b.length()) {
            // Lower-casing changes a text's length only at U+0130, which becomes "i" and a combining dot: never ASCII.
            // So an ASCII text (a rule's field name) equals no text of another length once both are lower-cased.
            return !asciiB && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x == y) {
                continue;
            }
            if (x >= 128 || y >= 128) {
                return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
            }
            if (lowerAscii(x) != lowerAscii(y)) {
                return false;
            }
        }
        return true;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean anyValue(Predicate<String> test) {
        for (String v : raw.values()) {
            if (v != null && test.test(v)) {
                return true;
            }
        }
        return false;
    }

    static final String SYSMON_CHANNEL = "Microsoft-Windows-Sysmon/Operational";

    /**
     * A Windows sensor's typed event shows the logsource rules expect: the Sysmon event id of its
     * activity (Security 4624 / 4625 for logons), so a {@code process_creation} rule runs on Vigil's
     * own process launches as on Sysmon's. Only when the source did not keep its own EventID in raw.
     */
    private static String sysmonEventId(Object activity) {
        if (activity instanceof ProcessActivity p) {
            return switch (p.getAction()) {
                case LAUNCH -> "1";
                case TERMINATE -> "5";
                default -> null;
            };
        }
        if (activity instanceof NetworkActivity) {
            return "3";
        }
        if (activity instanceof FileActivity f) {
            return switch (f.getAction()) {
                case CREATE -> "11";
                case DELETE -> "23";
                default -> null;
            };
        }
        if (activity instanceof DnsActivity) {
            return "22";
        }
        if (activity instanceof AuthenticationActivity a) {
            return switch (a.getOutcome()) {
                case SUCCESS -> "4624";
                case FAILURE -> "4625";
                default -> null;
            };
        }
        return null;
    }

    /** Windows rules describe Windows hosts; a Linux sensor's process launch is not Sysmon event 1. */
    private boolean windowsHost() {
        String os = event.getHost().getOs();
        return os == null || os.toLowerCase(Locale.ROOT).contains("windows");
    }

    /** The typed field Sigma calls {@code field}, or null. */
    private Object typed(String field) {
        Object activity = event.getActivity();
        switch (field) {
            case "Computer":
                return event.getHost().getName();
            case "Product":
                return event.getSourceProduct();
            case "EventID":
                return windowsHost() ? sysmonEventId(activity) : null;
            case "Channel":
                return windowsHost() && sysmonEventId(activity) != null
                        ? activity instanceof AuthenticationActivity ? "Security" : SYSMON_CHANNEL : null;
            default:
                break;
        }
        if (activity instanceof ProcessActivity p) {
            return process(p, field);
        }
        if (activity instanceof NetworkActivity n) {
            return network(n, field);
        }
        if (activity instanceof FileActivity f) {
            return switch (field) {
                case "TargetFilename" -> f.getPath();
                default -> processField(f.getProcess(), field);
            };
        }
        if (activity instanceof DnsActivity d) {
            return switch (field) {
                case "QueryName" -> d.getQuery();
                case "QueryResults" -> d.getAnswers().isEmpty() ? null : String.join(";", d.getAnswers());
                case "QueryStatus" -> d.getResponseCode();
                default -> processField(d.getProcess(), field);
            };
        }
        if (activity instanceof AuthenticationActivity a) {
            return switch (field) {
                case "TargetUserName" -> a.getUser();
                case "TargetDomainName" -> a.getDomain();
                case "LogonType" -> a.getLogonType();
                case "IpAddress" -> a.getSourceIp();
                case "AuthenticationPackageName" -> a.getAuthProtocol();
                case "FailureReason" -> a.getFailureReason();
                default -> null;
            };
        }
        return null;
    }

    private static Object process(ProcessActivity p, String field) {
        ProcessRef parent = p.getParent();
        return switch (field) {
            case "ParentImage" -> parent == null ? null : parent.getImagePath();
            case "ParentCommandLine" -> parent == null ? null : parent.getCommandLine();
            case "ParentProcessId" -> parent == null ? null : parent.getPid();
            case "ParentProcessGuid" -> parent == null ? null : parent.getGuid();
            case "ParentUser" -> parent == null ? null : parent.getUser();
            case "CurrentDirectory" -> p.getCurrentDirectory();
            case "IntegrityLevel" -> p.getIntegrityLevel();
            default -> processField(p.getProcess(), field);
        };
    }

    private static Object network(NetworkActivity n, String field) {
        return switch (field) {
            case "SourceIp" -> n.getSrcIp();
            case "SourcePort" -> n.getSrcPort();
            case "DestinationIp" -> n.getDstIp();
            case "DestinationPort" -> n.getDstPort();
            case "DestinationHostname" -> n.getDstHostname();
            case "Protocol" -> n.getProtocol();
            case "Initiated" -> n.getDirection() == Direction.UNKNOWN ? null
                    : n.getDirection() == Direction.OUTBOUND ? "true" : "false";
            default -> processField(n.getProcess(), field);
        };
    }

    /** The acting process's fields, under Sysmon's names. */
    private static Object processField(ProcessRef p, String field) {
        if (p == null) {
            return null;
        }
        return switch (field) {
            case "Image" -> p.getImagePath();
            case "CommandLine" -> p.getCommandLine();
            case "ProcessId" -> p.getPid();
            case "ProcessGuid" -> p.getGuid();
            case "User" -> p.getUser();
            case "Hashes" -> sysmonHashes(p.getHashes());
            default -> null;
        };
    }

    /** Sysmon's {@code Hashes} format, {@code SHA256=..,MD5=..}, which Sigma rules match with contains. */
    private static String sysmonHashes(Hashes h) {
        if (h == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (h.getSha1() != null) {
            b.append("SHA1=").append(h.getSha1().toUpperCase(Locale.ROOT));
        }
        if (h.getMd5() != null) {
            b.append(b.length() > 0 ? "," : "").append("MD5=").append(h.getMd5().toUpperCase(Locale.ROOT));
        }
        if (h.getSha256() != null) {
            b.append(b.length() > 0 ? "," : "").append("SHA256=").append(h.getSha256().toUpperCase(Locale.ROOT));
        }
        return b.length() == 0 ? null : b.toString();
    }
}
