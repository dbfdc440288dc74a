package dev.vigil.testing.telemetry;

import dev.vigil.schema.AuthOutcome;
import dev.vigil.schema.DeadLetterReason;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.TelemetryEvent;
import dev.vigil.schema.Verdict;
import dev.vigil.testing.telemetry.AttackStory.Detection;
import dev.vigil.testing.telemetry.AttackStory.ExpectedAlert;
import dev.vigil.testing.telemetry.AttackStory.Kind;
import dev.vigil.testing.telemetry.MalformedRecords.MalformedRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Deterministic (given its seed and the sequence of calls) stream of realistic telemetry for several tenants:
 * benign noise with attack stories ({@link AttackStory}) interleaved, plus the reputation feed the stories
 * assume and malformed records.
 *
 * <p>Time: the generator keeps a clock. {@link #next(int)} advances it by {@code tickMillis} per event (a
 * simulated clock, for tests); {@link #next(int, Instant)} spreads the batch's event times evenly up to the
 * given instant (pass {@code Instant.now()} so watermarks move in real time). The clock never goes back.
 * Noise events may lag the clock by up to {@code maxJitterMillis} (sensors are slightly out of order);
 * story events are exactly on the clock, in story order.
 *
 * <p>Tenants: each has {@code workstations} Windows workstations {@code <DOMAIN>-WS-001..}, each with its own
 * user, a Windows domain controller {@code <DOMAIN>-DC-01} and a Linux web server {@code <tenant>-web-01}.
 *
 * <p>Never fires a detection by accident: noise never touches a MALICIOUS indicator, and a benign failed logon
 * happens at most once per (tenant, user) per 10 minutes of event time. A tenant gets at most one
 * password spray per 10 minutes of event time, so the non-primary users of a spray (2 failures each) never
 * reach the brute-force threshold.
 *
 * <p>Not thread-safe.
 */
public final class TelemetryGenerator {

    public static final List<String> DEFAULT_TENANTS = List.of("acme", "globex", "initech");
    public static final Instant DEFAULT_START = TelemetryFixtures.DEFAULT_TIME;

    // ------------------------------------------------------------------- indicators the feed and stories share

    /** Domains the feed lists as MALICIOUS (global); story i uses index i % 3 of each list. */
    public static final List<String> MALICIOUS_DOMAINS = List.of(
            "login-msonline-verify.example", "cdn.fastupdate-invoice.example", "dl.docsharepoint-files.example");
    /** C2 IPs the feed lists as MALICIOUS (global). */
    public static final List<String> C2_IPS = List.of("203.0.113.66", "203.0.113.129", "198.51.100.201");
    /** File names of the downloaded payloads. */
    public static final List<String> PAYLOAD_NAMES = List.of(
            "Invoice_2291.exe", "DocuSign_Review.exe", "ChromeUpdate_x64.exe");
    /** sha256 of each payload; the feed lists them as MALICIOUS (global). */
    public static final List<String> PAYLOAD_SHA256 = PAYLOAD_NAMES.stream()
            .map(n -> TelemetryFixtures.sha256Hex("vigil-attack-payload:" + n)).toList();
    /** MALICIOUS only for the generator's first tenant (scope = that tenant). */
    public static final String SCOPED_IOC_IP = "198.51.100.23";
    /** In the feed as MALICIOUS version 1, then BENIGN version 2 (retracted). Noise never uses it. */
    public static final String RETRACTED_IP = "203.0.113.250";
    /** The image every TENANT_SCOPED_IOC connection comes from. */
    public static final String SCOPED_IOC_PROCESS = "C:\\Program Files\\Contoso\\SyncAgent\\syncagent.exe";

    /** Benign destinations noise resolves and connects to. */
    static final Map<String, String> BENIGN_DESTINATIONS = linkedMap(
            "www.google.com", "142.250.74.46",
            "teams.microsoft.com", "13.107.42.14",
            "outlook.office365.com", "52.96.166.130",
            "github.com", "140.82.121.4",
            "pypi.org", "151.101.1.69",
            "login.microsoftonline.com", "20.190.151.9",
            "www.cloudflare.com", "104.16.132.229",
            "dns.google", "8.8.8.8");
    /** IPs and domains the feed lists as BENIGN (noise hits them all the time). */
    public static final List<String> BENIGN_FEED_IPS = List.of("8.8.8.8", "13.107.42.14", "20.190.151.9", "140.82.121.4");
    public static final List<String> BENIGN_FEED_DOMAINS = List.of("github.com", "login.microsoftonline.com");

    /**
     * Order in which automatically started stories rotate. The spray comes first: it needs no reputation, so it
     * alerts even if the job reads the first telemetry before the feed.
     */
    private static final Kind[] ROTATION = {Kind.PASSWORD_SPRAY, Kind.MALICIOUS_DOWNLOAD, Kind.TENANT_SCOPED_IOC};

    /** The reason of each malformed shape, in {@link #nextMalformed()}'s rotation order. */
    private static final DeadLetterReason[] SHAPE_REASONS = {
            DeadLetterReason.UNDECODABLE, DeadLetterReason.UNDECODABLE, DeadLetterReason.UNKNOWN_SCHEMA,
            DeadLetterReason.OVERSIZE, DeadLetterReason.MISSING_FIELD, DeadLetterReason.IMPOSSIBLE_TIMESTAMP,
            DeadLetterReason.IMPOSSIBLE_TIMESTAMP, DeadLetterReason.TENANT_MISMATCH};

    private static final String[] USER_POOL = {
            "jdoe", "asmith", "mgarcia", "lchen", "rpatel", "kwilliams", "tnguyen", "bmiller", "ejohnson",
            "dkim", "sbrown", "hlopez", "pwilson", "ajones", "cmartin", "nwhite"};

    private static final String EXPLORER = "C:\\Windows\\explorer.exe";
    private static final String SERVICES = "C:\\Windows\\System32\\services.exe";
    private static final String SVCHOST = "C:\\Windows\\System32\\svchost.exe";
    private static final String CHROME = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe";
    private static final String EDGE = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
    private static final String OUTLOOK = "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE";
    private static final String EXCEL = "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE";
    private static final String WINWORD = "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE";
    private static final String TEAMS =
            "C:\\Program Files\\WindowsApps\\MSTeams_24004.1309.2689.2246_x64__8wekyb3d8bbwe\\ms-teams.exe";
    private static final String NOTEPAD = "C:\\Windows\\System32\\notepad.exe";
    private static final String CMD = "C:\\Windows\\System32\\cmd.exe";
    private static final String CONHOST = "C:\\Windows\\System32\\conhost.exe";
    private static final String TASKHOSTW = "C:\\Windows\\System32\\taskhostw.exe";
    private static final String DEFENDER =
            "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe";

    /** Images whose (fake) hashes the feed lists as BENIGN. */
    public static final List<String> BENIGN_FEED_IMAGES = List.of(SVCHOST, CHROME, EDGE, OUTLOOK, NOTEPAD);

    /** The sha256 noise gives a benign binary: stable per image path. */
    public static String benignSha256(String imagePath) {
        return TelemetryFixtures.sha256Hex("benign-binary:" + imagePath);
    }

    // ------------------------------------------------------------------- configuration and state

    /** One tenant's hosts and users. */
    public record TenantProfile(String tenant, String domain, List<String> workstations, String domainController,
                                String linuxServer, List<String> users) {
        /** The user who works on workstation i. */
        public String userOf(String workstation) {
            int i = workstations.indexOf(workstation);
            return users.get(Math.max(0, i) % users.size());
        }

        public List<String> allHosts() {
            List<String> all = new ArrayList<>(workstations);
            all.add(domainController);
            all.add(linuxServer);
            return all;
        }
    }

    private record PendingStep(Instant due, long seq, String storyId, Function<Instant, TelemetryEvent> build) {}

    private final long seed;
    private final List<String> tenants;
    private final Map<String, TenantProfile> profiles = new LinkedHashMap<>();
    private final double storiesPerThousand;
    private final boolean storyAtStart;
    private final long tickMillis;
    private final long maxJitterMillis;
    private final Instant start;
    private final Set<DeadLetterReason> malformedReasons;
    private final Random random;
    private final Random malformedRandom;

    private Instant clock;
    private long eventsGenerated;
    private long seq;
    private int storyCounter;
    private int malformedCounter;
    private final PriorityQueue<PendingStep> pending = new PriorityQueue<>(
            (a, b) -> a.due.equals(b.due) ? Long.compare(a.seq, b.seq) : a.due.compareTo(b.due));
    private final List<AttackStory> stories = new ArrayList<>();
    private final List<AttackStory> completed = new ArrayList<>();
    private final Map<String, Integer> remainingSteps = new HashMap<>();
    private final Map<String, AttackStory> storiesById = new HashMap<>();
    private final Map<String, Instant> lastSpray = new HashMap<>();
    private final Map<String, Instant> lastBenignFailure = new HashMap<>();

    private TelemetryGenerator(Builder b) {
        this.seed = b.seed;
        this.tenants = List.copyOf(b.tenants);
        if (tenants.isEmpty()) throw new IllegalArgumentException("no tenants");
        this.storiesPerThousand = b.storiesPerThousand;
        this.storyAtStart = b.storyAtStart;
        this.tickMillis = b.tickMillis;
        this.maxJitterMillis = b.maxJitterMillis;
        this.start = b.start;
        this.clock = b.start;
        this.malformedReasons = b.malformedReasons.isEmpty()
                ? EnumSet.noneOf(DeadLetterReason.class) : EnumSet.copyOf(b.malformedReasons);
        for (DeadLetterReason r : malformedReasons) {
            if (!List.of(SHAPE_REASONS).contains(r)) throw new IllegalArgumentException("no malformed shape for " + r);
        }
        this.random = new Random(b.seed);
        this.malformedRandom = new Random(b.seed ^ 0x5DEECE66DL);
        for (String t : tenants) {
            String domain = TelemetryFixtures.domainOf(t);
            List<String> ws = new ArrayList<>();
            for (int i = 1; i <= b.workstations; i++) ws.add(String.format(Locale.ROOT, "%s-WS-%03d", domain, i));
            List<String> pool = new ArrayList<>(List.of(USER_POOL));
            Collections.shuffle(pool, random);
            List<String> users = List.copyOf(pool.subList(0, Math.min(b.users, pool.size())));
            profiles.put(t, new TenantProfile(t, domain, List.copyOf(ws), domain + "-DC-01",
                    t.toLowerCase(Locale.ROOT) + "-web-01", users));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A generator with all defaults (3 tenants, seed 42, start {@link #DEFAULT_START}). */
    public static TelemetryGenerator withSeed(long seed) {
        return builder().seed(seed).build();
    }

    public static final class Builder {
        private long seed = 42;
        private List<String> tenants = DEFAULT_TENANTS;
        private int workstations = 4;
        private int users = 5;
        private double storiesPerThousand = 1.5;
        private boolean storyAtStart = true;
        private long tickMillis = 5;
        private long maxJitterMillis = 200;
        private Instant start = DEFAULT_START;
        private Set<DeadLetterReason> malformedReasons = EnumSet.of(DeadLetterReason.UNDECODABLE,
                DeadLetterReason.UNKNOWN_SCHEMA, DeadLetterReason.OVERSIZE, DeadLetterReason.MISSING_FIELD,
                DeadLetterReason.IMPOSSIBLE_TIMESTAMP, DeadLetterReason.TENANT_MISMATCH);

        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder tenants(List<String> tenants) { this.tenants = List.copyOf(tenants); return this; }
        public Builder tenants(String... tenants) { return tenants(List.of(tenants)); }
        /** Windows workstations per tenant (default 4); each also has a DC and a Linux server. */
        public Builder workstationsPerTenant(int n) { this.workstations = Math.max(1, n); return this; }
        /** Users per tenant (default 5, at most 16). */
        public Builder usersPerTenant(int n) { this.users = Math.max(1, n); return this; }
        /** Average attack stories started per 1000 events (default 1.5; 0 = only {@link #startStory}). */
        public Builder storiesPerThousand(double rate) { this.storiesPerThousand = rate; return this; }
        /** Start a story with the very first event (default true). */
        public Builder storyAtStart(boolean b) { this.storyAtStart = b; return this; }
        /** Simulated-clock step per event for {@link TelemetryGenerator#next(int)} (default 5 ms = 200 events/s). */
        public Builder tickMillis(long ms) { this.tickMillis = Math.max(0, ms); return this; }
        /** How far a noise event's time may lag the clock (default 200 ms; 0 = in order). */
        public Builder maxJitterMillis(long ms) { this.maxJitterMillis = Math.max(0, ms); return this; }
        /** The clock's initial value (default {@link #DEFAULT_START}; the demo passes now). */
        public Builder start(Instant start) { this.start = Objects.requireNonNull(start); return this; }
        /** Which reasons {@link TelemetryGenerator#nextMalformed()} produces (default: all six). */
        public Builder malformedReasons(Set<DeadLetterReason> reasons) { this.malformedReasons = Set.copyOf(reasons); return this; }
        public TelemetryGenerator build() { return new TelemetryGenerator(this); }
    }

    // ------------------------------------------------------------------- public API

    public long seed() { return seed; }
    public List<String> tenants() { return tenants; }
    public TenantProfile profile(String tenant) { return profiles.get(tenant); }
    /** The tenant the {@link #SCOPED_IOC_IP} verdict is scoped to: the first tenant. */
    public String scopedTenant() { return tenants.get(0); }
    public Instant clock() { return clock; }
    /** Valid telemetry events returned so far by {@code next}. */
    public long eventsGenerated() { return eventsGenerated; }
    /** Every story started so far (some may still have events pending). */
    public List<AttackStory> stories() { return List.copyOf(stories); }
    /** Stories all of whose events have been emitted. */
    public List<AttackStory> completedStories() { return List.copyOf(completed); }
    /** The expected alerts of all completed stories. */
    public List<ExpectedAlert> expectedAlerts() {
        return completed.stream().flatMap(s -> s.expectedAlerts().stream()).toList();
    }

    /**
     * The reputation feed the stories assume, in publishing order. Feed time: updatedAt = start - 1 h,
     * expiresAt = start + 30 days.
     * <ul>
     *   <li>global MALICIOUS: the 3 {@link #PAYLOAD_SHA256} (the first one also has an earlier version 1
     *       SUSPICIOUS, then version 2 MALICIOUS), the 3 {@link #C2_IPS}, the 3 {@link #MALICIOUS_DOMAINS};</li>
     *   <li>tenant-scoped MALICIOUS: {@link #SCOPED_IOC_IP}, scope = {@link #scopedTenant()};</li>
     *   <li>global BENIGN: the hashes of {@link #BENIGN_FEED_IMAGES}, {@link #BENIGN_FEED_IPS},
     *       {@link #BENIGN_FEED_DOMAINS};</li>
     *   <li>{@link #RETRACTED_IP}: version 1 MALICIOUS then version 2 BENIGN.</li>
     * </ul>
     */
    public List<ReputationUpdate> reputationFeed() {
        Instant updated = start.minus(Duration.ofHours(1));
        Instant expires = start.plus(Duration.ofDays(30));
        List<ReputationUpdate> feed = new ArrayList<>();
        feed.add(ReputationFixtures.update(null, IndicatorType.SHA256, PAYLOAD_SHA256.get(0), Verdict.SUSPICIOUS,
                1, updated.minus(Duration.ofHours(1)), expires));
        for (int i = 0; i < PAYLOAD_SHA256.size(); i++) {
            feed.add(ReputationFixtures.update(null, IndicatorType.SHA256, PAYLOAD_SHA256.get(i), Verdict.MALICIOUS,
                    i == 0 ? 2 : 1, updated, expires));
        }
        for (String ip : C2_IPS) {
            feed.add(ReputationFixtures.update(null, IndicatorType.IP, ip, Verdict.MALICIOUS, 1, updated, expires));
        }
        for (String d : MALICIOUS_DOMAINS) {
            feed.add(ReputationFixtures.update(null, IndicatorType.DOMAIN, d, Verdict.MALICIOUS, 1, updated, expires));
        }
        feed.add(ReputationFixtures.update(scopedTenant(), IndicatorType.IP, SCOPED_IOC_IP, Verdict.MALICIOUS, 1,
                updated, expires));
        for (String image : BENIGN_FEED_IMAGES) {
            feed.add(ReputationFixtures.update(null, IndicatorType.SHA256, benignSha256(image), Verdict.BENIGN, 1,
                    updated, expires));
        }
        for (String ip : BENIGN_FEED_IPS) {
            feed.add(ReputationFixtures.update(null, IndicatorType.IP, ip, Verdict.BENIGN, 1, updated, expires));
        }
        for (String d : BENIGN_FEED_DOMAINS) {
            feed.add(ReputationFixtures.update(null, IndicatorType.DOMAIN, d, Verdict.BENIGN, 1, updated, expires));
        }
        feed.add(ReputationFixtures.update(null, IndicatorType.IP, RETRACTED_IP, Verdict.MALICIOUS, 1,
                updated.minus(Duration.ofHours(2)), expires));
        feed.add(ReputationFixtures.update(null, IndicatorType.IP, RETRACTED_IP, Verdict.BENIGN, 2, updated, expires));
        return feed;
    }

    /** The next {@code n} events on the simulated clock ({@code tickMillis} per event). */
    public List<TelemetryEvent> next(int n) {
        return next(n, clock.plusMillis(tickMillis * (long) n));
    }

    /** The next {@code n} events, their times spread evenly from the current clock up to {@code now}. */
    public List<TelemetryEvent> next(int n, Instant now) {
        Instant from = clock;
        Instant to = now.isAfter(from) ? now : from;
        long span = Duration.between(from, to).toMillis();
        List<TelemetryEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant t = from.plusMillis(span * (i + 1) / n);
            clock = t;
            out.add(nextAt(t));
        }
        clock = to;
        return out;
    }

    /**
     * Starts a story of {@code kind} at the current clock; its first event comes with the next call to
     * {@code next}. A PASSWORD_SPRAY picks a tenant without a spray in the last 10 minutes and returns null if
     * there is none.
     */
    public AttackStory startStory(Kind kind) {
        return startStoryAt(kind, clock);
    }

    /**
     * The next malformed record (not counted as an event; does not move the clock). Shapes rotate: random bytes,
     * truncated, unknown schema, oversize, empty eventId, year 1970, year 3000, tenant mismatch (skipping the
     * reasons not in the builder's {@code malformedReasons}); tenants rotate.
     */
    public MalformedRecord nextMalformed() {
        if (malformedReasons.isEmpty()) throw new IllegalStateException("no malformed reasons configured");
        int k = malformedCounter++;
        for (int skip = 0; skip < 8 && !malformedReasons.contains(SHAPE_REASONS[k % 8]); skip++) {
            k = malformedCounter++;
        }
        String tenant = tenants.get(k % tenants.size());
        Random r = malformedRandom;
        TelemetryEvent template = noiseEvent(tenant, clock, r);
        return switch (k % 8) {
            case 0 -> MalformedRecords.randomBytes(tenant, template.getHost().getName(), r);
            case 1 -> MalformedRecords.truncated(template, r);
            case 2 -> MalformedRecords.unknownSchema(template, r);
            case 3 -> MalformedRecords.oversize(template, r);
            case 4 -> MalformedRecords.emptyEventId(template);
            case 5 -> MalformedRecords.impossibleTimestamp(template, false);
            case 6 -> MalformedRecords.impossibleTimestamp(template, true);
            default -> {
                String topicTenant = tenants.size() > 1 ? tenants.get((k + 1) % tenants.size()) : tenant;
                TelemetryEvent body = template;
                if (topicTenant.equals(tenant)) {
                    body = TelemetryEvent.newBuilder(template).setTenantId("not-" + tenant).build();
                }
                yield MalformedRecords.tenantMismatch(body, topicTenant);
            }
        };
    }

    // ------------------------------------------------------------------- generation

    private TelemetryEvent nextAt(Instant t) {
        PendingStep head = pending.peek();
        if (head != null && !head.due.isAfter(t)) {
            return emit(pending.poll(), t);
        }
        boolean startNow = (storyAtStart && eventsGenerated == 0 && stories.isEmpty())
                || random.nextDouble() < storiesPerThousand / 1000.0;
        if (startNow) {
            Kind[] kinds = ROTATION;
            for (int attempt = 0; attempt < kinds.length; attempt++) {
                Kind kind = kinds[(storyCounter + attempt) % kinds.length];
                if (startStoryAt(kind, t) != null) break;
            }
            head = pending.peek();
            if (head != null && !head.due.isAfter(t)) return emit(pending.poll(), t);
        }
        eventsGenerated++;
        String tenant = tenants.get(random.nextInt(tenants.size()));
        Instant time = maxJitterMillis > 0 ? t.minusMillis(random.nextInt((int) maxJitterMillis + 1)) : t;
        return noiseEvent(tenant, time, random);
    }

    private TelemetryEvent emit(PendingStep step, Instant t) {
        TelemetryEvent e = step.build.apply(t);
        eventsGenerated++;
        int left = remainingSteps.merge(step.storyId, -1, Integer::sum);
        if (left == 0) completed.add(storiesById.get(step.storyId));
        return e;
    }

    private AttackStory startStoryAt(Kind kind, Instant t) {
        AttackStory story = switch (kind) {
            case MALICIOUS_DOWNLOAD -> maliciousDownload(t);
            case PASSWORD_SPRAY -> passwordSpray(t);
            case TENANT_SCOPED_IOC -> scopedIoc(t);
        };
        if (story != null) {
            storyCounter++;
            stories.add(story);
            storiesById.put(story.id(), story);
        }
        return story;
    }

    private String storyId(Kind kind) {
        return String.format(Locale.ROOT, "story-%04d-%s", stories.size() + 1,
                kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    private void schedule(String storyId, Instant due, Function<Instant, TelemetryEvent> build) {
        pending.add(new PendingStep(due, seq++, storyId, build));
        remainingSteps.merge(storyId, 1, Integer::sum);
    }

    private AttackStory maliciousDownload(Instant t) {
        String id = storyId(Kind.MALICIOUS_DOWNLOAD);
        String tenant = pick(tenants, random);
        TenantProfile p = profiles.get(tenant);
        String host = pick(p.workstations(), random);
        String user = p.userOf(host);
        int i = random.nextInt(PAYLOAD_NAMES.size());
        String domain = MALICIOUS_DOMAINS.get(i);
        String c2 = C2_IPS.get(i);
        String sha = PAYLOAD_SHA256.get(i);
        String payload = "C:\\Users\\" + user + "\\Downloads\\" + PAYLOAD_NAMES.get(i);
        String dnsId = uuid(random), writeId = uuid(random), launchId = uuid(random), connectId = uuid(random);

        schedule(id, t, at -> TelemetryFixtures.dnsQuery(tenant, host, dnsId, at, domain, List.of(c2), EDGE));
        schedule(id, t.plusSeconds(2), at -> TelemetryFixtures.fileWrite(tenant, host, writeId, at, payload, sha, EDGE, user));
        schedule(id, t.plusSeconds(5), at -> TelemetryFixtures.processLaunch(tenant, host, launchId, at, payload,
                "\"" + payload + "\" /silent /norestart", sha, user, EXPLORER));
        schedule(id, t.plusSeconds(8), at -> TelemetryFixtures.networkConnection(tenant, host, connectId, at, c2, 443,
                payload, sha, user));
        return new AttackStory(id, Kind.MALICIOUS_DOWNLOAD, tenant, t,
                List.of(dnsId, writeId, launchId, connectId),
                List.of(new ExpectedAlert(tenant, Detection.MALICIOUS_FILE_EXECUTED, host, user, "SHA256", sha,
                                List.of(launchId)),
                        new ExpectedAlert(tenant, Detection.MALICIOUS_IP_CONNECTION, host, user, "IP", c2,
                                List.of(connectId))),
                List.of());
    }

    private AttackStory passwordSpray(Instant t) {
        List<String> candidates = new ArrayList<>();
        for (String tenant : tenants) {
            Instant last = lastSpray.get(tenant);
            if (last == null || Duration.between(last, t).compareTo(Duration.ofMinutes(10)) >= 0) candidates.add(tenant);
        }
        if (candidates.isEmpty()) return null;
        String id = storyId(Kind.PASSWORD_SPRAY);
        String tenant = pick(candidates, random);
        lastSpray.put(tenant, t);
        TenantProfile p = profiles.get(tenant);
        String dc = p.domainController();
        String sourceIp = "185.220.101." + (10 + random.nextInt(240));
        List<String> users = new ArrayList<>(p.users());
        Collections.shuffle(users, random);
        String primary = users.get(0);
        List<String> others = new ArrayList<>(users.subList(1, Math.min(4, users.size())));
        others.add("administrator");
        List<String> sequence = new ArrayList<>();
        sequence.add(primary);
        sequence.addAll(others);
        sequence.add(primary);
        sequence.addAll(others);
        for (int k = 0; k < 5; k++) sequence.add(primary);

        List<String> ids = new ArrayList<>();
        List<String> primaryIds = new ArrayList<>();
        for (int k = 0; k < sequence.size(); k++) {
            String u = sequence.get(k);
            String eid = uuid(random);
            ids.add(eid);
            if (u.equals(primary)) primaryIds.add(eid);
            schedule(id, t.plusSeconds(2L * k), at -> TelemetryFixtures.authentication(tenant, dc, eid, at, u,
                    AuthOutcome.FAILURE, sourceIp, "3"));
        }
        return new AttackStory(id, Kind.PASSWORD_SPRAY, tenant, t, ids,
                List.of(new ExpectedAlert(tenant, Detection.BRUTE_FORCE_LOGON, dc, primary, null, null, primaryIds)),
                List.of());
    }

    private AttackStory scopedIoc(Instant t) {
        String id = storyId(Kind.TENANT_SCOPED_IOC);
        String scoped = scopedTenant();
        List<String> ids = new ArrayList<>();
        List<String> negatives = new ArrayList<>();
        ExpectedAlert expected = null;
        for (int k = 0; k < tenants.size(); k++) {
            String tenant = tenants.get(k);
            TenantProfile p = profiles.get(tenant);
            String host = pick(p.workstations(), random);
            String user = p.userOf(host);
            String eid = uuid(random);
            ids.add(eid);
            if (tenant.equals(scoped)) {
                expected = new ExpectedAlert(tenant, Detection.MALICIOUS_IP_CONNECTION, host, user, "IP",
                        SCOPED_IOC_IP, List.of(eid));
            } else {
                negatives.add(eid);
            }
            schedule(id, t.plusSeconds(k), at -> TelemetryFixtures.networkConnection(tenant, host, eid, at,
                    SCOPED_IOC_IP, 8443, SCOPED_IOC_PROCESS, benignSha256(SCOPED_IOC_PROCESS), user));
        }
        return new AttackStory(id, Kind.TENANT_SCOPED_IOC, scoped, t, ids, List.of(expected), negatives);
    }

    // ------------------------------------------------------------------- noise

    private TelemetryEvent noiseEvent(String tenant, Instant time, Random r) {
        TenantProfile p = profiles.get(tenant);
        List<String> hosts = p.allHosts();
        // Workstations are busier than servers.
        String host = r.nextInt(10) < 7 ? pick(p.workstations(), r) : pick(hosts, r);
        String eventId = uuid(r);
        boolean linux = host.equals(p.linuxServer());
        int roll = r.nextInt(100);
        if (roll < 40) return noiseProcess(p, host, linux, eventId, time, r);
        if (roll < 65) return noiseDns(p, host, linux, eventId, time, r);
        if (roll < 85) return noiseConnection(p, host, linux, eventId, time, r);
        if (roll < 95) return noiseFile(p, host, linux, eventId, time, r);
        return noiseAuth(p, host, linux, eventId, time, r);
    }

    private TelemetryEvent noiseProcess(TenantProfile p, String host, boolean linux, String id, Instant time, Random r) {
        String t = p.tenant();
        if (linux) {
            String[][] catalog = {
                    {"/usr/sbin/cron", "/usr/sbin/CRON -f -P", "/usr/sbin/cron", "root"},
                    {"/usr/bin/python3", "python3 /opt/app/manage.py runjob cleanup", "/usr/bin/bash", "deploy"},
                    {"/usr/bin/bash", "/bin/bash -c /opt/app/bin/healthcheck.sh", "/usr/sbin/cron", "deploy"},
                    {"/usr/sbin/nginx", "nginx: worker process", "/usr/sbin/nginx", "www-data"},
                    {"/usr/bin/curl", "curl -fsS http://127.0.0.1:8080/health", "/usr/bin/bash", "deploy"},
                    {"/usr/bin/logrotate", "/usr/sbin/logrotate /etc/logrotate.conf", "/usr/sbin/cron", "root"}};
            String[] c = catalog[r.nextInt(catalog.length)];
            return TelemetryFixtures.processLaunch(t, host, id, time, c[0], c[1], benignSha256(c[0]), c[3], c[2]);
        }
        boolean server = host.equals(p.domainController());
        String user = server ? null : p.userOf(host);
        String u = user == null ? "Administrator" : user;
        String[][] catalog = {
                {SVCHOST, "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", SERVICES, "system"},
                {SVCHOST, "C:\\Windows\\system32\\svchost.exe -k LocalService -p -s EventSystem", SERVICES, "system"},
                {TASKHOSTW, "taskhostw.exe Install $(Arg0)", SVCHOST, "user"},
                {DEFENDER, "\"" + DEFENDER + "\"", SERVICES, "system"},
                {CHROME, "\"" + CHROME + "\"", EXPLORER, "user"},
                {CHROME, "\"" + CHROME + "\" --type=renderer --lang=en-US --num-raster-threads=4", CHROME, "user"},
                {EDGE, "\"" + EDGE + "\" --single-argument https://intranet." + p.tenant() + ".example/", EXPLORER, "user"},
                {OUTLOOK, "\"" + OUTLOOK + "\"", EXPLORER, "user"},
                {EXCEL, "\"" + EXCEL + "\" \"C:\\Users\\" + u + "\\Documents\\budget-2025.xlsx\"", EXPLORER, "user"},
                {WINWORD, "\"" + WINWORD + "\" /n \"C:\\Users\\" + u + "\\Documents\\minutes.docx\"", EXPLORER, "user"},
                {TEAMS, "\"" + TEAMS + "\" msteams:system-initiated", EXPLORER, "user"},
                {NOTEPAD, "\"C:\\Windows\\system32\\notepad.exe\" C:\\Users\\" + u + "\\Documents\\notes.txt", EXPLORER, "user"},
                {CMD, "C:\\Windows\\system32\\cmd.exe /c \"C:\\ProgramData\\Backup\\nightly.bat\"", SVCHOST, "system"},
                {CONHOST, "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", CMD, "system"}};
        String[] c = catalog[r.nextInt(catalog.length)];
        String procUser = c[3].equals("system") ? null : u;
        return TelemetryFixtures.processLaunch(t, host, id, time, c[0], c[1], benignSha256(c[0]), procUser, c[2]);
    }

    private TelemetryEvent noiseDns(TenantProfile p, String host, boolean linux, String id, Instant time, Random r) {
        List<String> domains = new ArrayList<>(BENIGN_DESTINATIONS.keySet());
        String d = pick(domains, r);
        String ip = BENIGN_DESTINATIONS.get(d);
        if (linux) {
            return TelemetryFixtures.dnsQuery(p.tenant(), host, id, time, d, List.of(ip));
        }
        String image = pick(List.of(CHROME, EDGE, OUTLOOK, TEAMS, SVCHOST), r);
        return TelemetryFixtures.dnsQuery(p.tenant(), host, id, time, d, List.of(ip), image);
    }

    private TelemetryEvent noiseConnection(TenantProfile p, String host, boolean linux, String id, Instant time, Random r) {
        List<String> ips = new ArrayList<>(BENIGN_DESTINATIONS.values());
        String ip = pick(ips, r);
        int port = ip.equals("8.8.8.8") ? 53 : (r.nextInt(10) == 0 ? 80 : 443);
        if (linux) {
            String image = pick(List.of("/usr/bin/curl", "/usr/bin/python3", "/usr/sbin/nginx"), r);
            return TelemetryFixtures.networkConnection(p.tenant(), host, id, time, ip, port, image,
                    benignSha256(image), "deploy");
        }
        String image = pick(List.of(CHROME, EDGE, OUTLOOK, TEAMS, SVCHOST), r);
        String user = image.equals(SVCHOST) || host.equals(p.domainController()) ? null : p.userOf(host);
        return TelemetryFixtures.networkConnection(p.tenant(), host, id, time, ip, port, image, benignSha256(image), user);
    }

    private TelemetryEvent noiseFile(TenantProfile p, String host, boolean linux, String id, Instant time, Random r) {
        String hex = Integer.toHexString(0x1000 + r.nextInt(0xE000)).toUpperCase(Locale.ROOT);
        if (linux) {
            String path = pick(List.of("/tmp/tmp" + hex.toLowerCase(Locale.ROOT) + ".json",
                    "/var/lib/app/cache/" + hex.toLowerCase(Locale.ROOT) + ".bin",
                    "/opt/app/releases/current/static/app." + hex.toLowerCase(Locale.ROOT) + ".js"), r);
            return TelemetryFixtures.fileWrite(p.tenant(), host, id, time, path,
                    TelemetryFixtures.sha256Hex(path + "#" + r.nextInt()), "/usr/bin/python3", "deploy");
        }
        String user = host.equals(p.domainController()) ? "Administrator" : p.userOf(host);
        String[][] catalog = {
                {"C:\\Users\\" + user + "\\AppData\\Local\\Temp\\~DF" + hex + ".TMP", OUTLOOK},
                {"C:\\Users\\" + user + "\\Documents\\report-" + hex + ".docx", WINWORD},
                {"C:\\Users\\" + user + "\\Documents\\budget-2025.xlsx", EXCEL},
                {"C:\\Users\\" + user + "\\Downloads\\handbook-" + hex + ".pdf", EDGE},
                {"C:\\Users\\" + user + "\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Cache\\f_" + hex, CHROME}};
        String[] c = catalog[r.nextInt(catalog.length)];
        return TelemetryFixtures.fileWrite(p.tenant(), host, id, time, c[0],
                TelemetryFixtures.sha256Hex(c[0] + "#" + r.nextInt()), c[1], user);
    }

    private TelemetryEvent noiseAuth(TenantProfile p, String host, boolean linux, String id, Instant time, Random r) {
        String tenant = p.tenant();
        String user;
        String sourceIp;
        String logonType;
        if (linux) {
            user = "deploy";
            sourceIp = TelemetryFixtures.hostIp(tenant, pick(p.workstations(), r));
            logonType = "10";
        } else if (host.equals(p.domainController())) {
            String ws = pick(p.workstations(), r);
            user = p.userOf(ws);
            sourceIp = TelemetryFixtures.hostIp(tenant, ws);
            logonType = "3";
        } else {
            user = p.userOf(host);
            sourceIp = r.nextBoolean() ? "127.0.0.1" : TelemetryFixtures.hostIp(tenant, host);
            logonType = r.nextBoolean() ? "2" : "11";
        }
        AuthOutcome outcome = AuthOutcome.SUCCESS;
        if (r.nextInt(100) < 5) {
            String key = tenant + "/" + user;
            Instant last = lastBenignFailure.get(key);
            if (last == null || Duration.between(last, time).abs().compareTo(Duration.ofMinutes(10)) >= 0) {
                lastBenignFailure.put(key, time);
                outcome = AuthOutcome.FAILURE;
            }
        }
        return TelemetryFixtures.authentication(tenant, host, id, time, user, outcome, sourceIp, logonType);
    }

    // ------------------------------------------------------------------- helpers

    private static <T> T pick(List<T> list, Random r) {
        return list.get(r.nextInt(list.size()));
    }

    /** A version-4-shaped UUID string from {@code r}. */
    static String uuid(Random r) {
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static Map<String, String> linkedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return Collections.unmodifiableMap(m);
    }
}
