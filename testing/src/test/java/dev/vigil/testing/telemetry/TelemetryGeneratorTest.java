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
import dev.vigil.testing.telemetry.AttackStory.Detection;
import dev.vigil.testing.telemetry.AttackStory.ExpectedAlert;
import dev.vigil.testing.telemetry.AttackStory.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryGeneratorTest {

    /** 40 000 events on the 5 ms simulated clock: 200 s of telemetry, ~60 stories. */
    private static final int N = 40_000;

    private static TelemetryGenerator generator;
    private static List<TelemetryEvent> events;
    private static Map<String, TelemetryEvent> byId;
    private static ReferenceReputation reputation;

    @BeforeAll
    static void generate() {
        generator = TelemetryGenerator.withSeed(42);
        events = new ArrayList<>();
        for (int i = 0; i < N / 1000; i++) events.addAll(generator.next(1000));
        byId = events.stream().collect(Collectors.toMap(TelemetryEvent::getEventId, Function.identity()));
        reputation = new ReferenceReputation(generator.reputationFeed());
    }

    @Test
    void sameSeedSameStreamOtherSeedOtherStream() {
        TelemetryGenerator a = TelemetryGenerator.withSeed(7);
        TelemetryGenerator b = TelemetryGenerator.withSeed(7);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            now = now.plusMillis(500);
            assertThat(a.next(997, now)).isEqualTo(b.next(997, now));
            MalformedRecords.MalformedRecord ma = a.nextMalformed(), mb = b.nextMalformed();
            assertThat(ma.reason()).isEqualTo(mb.reason());
            assertThat(ma.topic()).isEqualTo(mb.topic());
            assertThat(java.util.Arrays.equals(ma.key(), mb.key())).isTrue();
            assertThat(java.util.Arrays.equals(ma.value(), mb.value())).isTrue();
        }
        assertThat(a.stories()).isEqualTo(b.stories());
        assertThat(a.reputationFeed()).isEqualTo(b.reputationFeed());
        assertThat(TelemetryGenerator.withSeed(8).next(100)).isNotEqualTo(TelemetryGenerator.withSeed(7).next(100));
    }

    @Test
    void everyEventIsValidAndRoundTrips() throws Exception {
        assertThat(events).hasSize(N);
        assertThat(byId).hasSize(N); // unique event ids
        assertThat(generator.eventsGenerated()).isEqualTo(N);
        Instant start = TelemetryGenerator.DEFAULT_START;
        Set<String> products = Set.of("sysmon", "windows-security", "osquery", "linux-sshd");
        List<String> invalid = new ArrayList<>();
        for (TelemetryEvent e : events) {
            boolean ok = !e.getEventId().isEmpty() && !e.getSensorId().isEmpty() && !e.getHost().getName().isEmpty()
                    && TelemetryGenerator.DEFAULT_TENANTS.contains(e.getTenantId())
                    && products.contains(e.getSourceProduct())
                    && !e.getRaw().isEmpty() && e.getActivity() != null
                    && !e.getEventTime().isBefore(start.minusSeconds(1)) && !e.getEventTime().isAfter(generator.clock())
                    && e.getIngestTime().isAfter(e.getEventTime());
            byte[] bytes = VigilTopics.encode(e);
            ok &= bytes[0] == (byte) 0xC3 && bytes[1] == (byte) 0x01 && bytes.length < MalformedRecords.MAX_RECORD_BYTES;
            ok &= TelemetryEvent.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes)).equals(e);
            if (!ok) invalid.add(e.toString());
        }
        assertThat(invalid).isEmpty();
        // Every tenant, every activity kind.
        assertThat(events.stream().map(TelemetryEvent::getTenantId).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(TelemetryGenerator.DEFAULT_TENANTS);
        assertThat(events.stream().map(e -> e.getActivity().getClass().getSimpleName()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("ProcessActivity", "NetworkActivity", "FileActivity",
                        "DnsActivity", "AuthenticationActivity");
    }

    @Test
    void eventTimesFollowTheSuppliedClock() {
        TelemetryGenerator g = TelemetryGenerator.builder().seed(3).maxJitterMillis(200).build();
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        g.next(10, now.minusSeconds(5)); // catch up from DEFAULT_START
        for (int i = 0; i < 20; i++) {
            Instant prev = g.clock();
            now = now.plusMillis(250);
            for (TelemetryEvent e : g.next(50, now)) {
                assertThat(e.getEventTime()).isBetween(prev.minusMillis(200), now);
            }
            assertThat(g.clock()).isEqualTo(now);
        }
        // The clock never goes back.
        g.next(5, now.minusSeconds(60));
        assertThat(g.clock()).isEqualTo(now);
    }

    @Test
    void everyStoryKindIsPresentAndComplete() {
        Map<Kind, Long> kinds = generator.completedStories().stream()
                .collect(Collectors.groupingBy(AttackStory::kind, Collectors.counting()));
        assertThat(kinds.keySet()).containsExactlyInAnyOrder(Kind.values());
        assertThat(generator.completedStories().size()).isGreaterThan(20);
        for (AttackStory s : generator.completedStories()) {
            assertThat(byId).containsKeys(s.eventIds().toArray(String[]::new));
            for (ExpectedAlert a : s.expectedAlerts()) assertThat(s.eventIds()).containsAll(a.eventIds());
        }
        // The first event is a story's (storyAtStart).
        assertThat(generator.stories().get(0).eventIds().get(0)).isEqualTo(events.get(0).getEventId());
    }

    @Test
    void maliciousDownloadStoryHasTheFourStepsWithMaliciousIndicators() {
        List<AttackStory> stories = completed(Kind.MALICIOUS_DOWNLOAD);
        assertThat(stories).isNotEmpty();
        for (AttackStory s : stories) {
            List<TelemetryEvent> ev = s.eventIds().stream().map(byId::get).toList();
            assertThat(ev).hasSize(4).allSatisfy(e -> {
                assertThat(e.getTenantId()).isEqualTo(s.tenant());
                assertThat(e.getHost().getName()).isEqualTo(ev.get(0).getHost().getName());
            });
            for (int i = 1; i < 4; i++) assertThat(ev.get(i).getEventTime()).isAfterOrEqualTo(ev.get(i - 1).getEventTime());

            DnsActivity dns = (DnsActivity) ev.get(0).getActivity();
            assertThat(reputation.verdict(s.tenant(), IndicatorType.DOMAIN, dns.getQuery())).isEqualTo(Verdict.MALICIOUS);

            FileActivity write = (FileActivity) ev.get(1).getActivity();
            String sha = write.getHashes().getSha256();
            assertThat(reputation.verdict(s.tenant(), IndicatorType.SHA256, sha)).isEqualTo(Verdict.MALICIOUS);

            ProcessActivity launch = (ProcessActivity) ev.get(2).getActivity();
            assertThat(launch.getAction()).isEqualTo(ProcessAction.LAUNCH);
            assertThat(launch.getProcess().getHashes().getSha256()).isEqualTo(sha);
            assertThat(launch.getProcess().getImagePath()).isEqualTo(write.getPath());

            NetworkActivity net = (NetworkActivity) ev.get(3).getActivity();
            assertThat(reputation.verdict(s.tenant(), IndicatorType.IP, net.getDstIp())).isEqualTo(Verdict.MALICIOUS);
            assertThat(dns.getAnswers()).containsExactly(net.getDstIp());

            assertThat(s.expectedAlerts()).extracting(ExpectedAlert::detection, ExpectedAlert::indicatorValue,
                            ExpectedAlert::eventIds)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Detection.MALICIOUS_FILE_EXECUTED, sha,
                                    List.of(ev.get(2).getEventId())),
                            org.assertj.core.groups.Tuple.tuple(Detection.MALICIOUS_IP_CONNECTION, net.getDstIp(),
                                    List.of(ev.get(3).getEventId())));
        }
    }

    @Test
    void passwordSprayHasAtLeastSixFailuresForOneUserWithinTwoMinutes() {
        List<AttackStory> stories = completed(Kind.PASSWORD_SPRAY);
        assertThat(stories).isNotEmpty();
        for (AttackStory s : stories) {
            List<TelemetryEvent> ev = s.eventIds().stream().map(byId::get).toList();
            Set<String> sources = new HashSet<>();
            Map<String, List<Instant>> failuresByUser = new HashMap<>();
            for (TelemetryEvent e : ev) {
                AuthenticationActivity a = (AuthenticationActivity) e.getActivity();
                assertThat(a.getOutcome()).isEqualTo(AuthOutcome.FAILURE);
                assertThat(e.getTenantId()).isEqualTo(s.tenant());
                sources.add(a.getSourceIp());
                failuresByUser.computeIfAbsent(a.getUser(), u -> new ArrayList<>()).add(e.getEventTime());
            }
            assertThat(sources).hasSize(1);
            assertThat(sources.iterator().next()).doesNotStartWith("10.").doesNotStartWith("127.");
            assertThat(failuresByUser.size()).isGreaterThanOrEqualTo(3);
            ExpectedAlert alert = s.expectedAlerts().get(0);
            assertThat(alert.detection()).isEqualTo(Detection.BRUTE_FORCE_LOGON);
            List<Instant> primary = failuresByUser.get(alert.user());
            assertThat(primary).hasSizeGreaterThanOrEqualTo(6);
            assertThat(Duration.between(primary.get(0), primary.get(primary.size() - 1)))
                    .isLessThanOrEqualTo(Duration.ofMinutes(2));
            assertThat(alert.eventIds()).hasSize(primary.size());
        }
    }

    @Test
    void bruteForceThresholdIsReachedOnlyByTheSprayPrimaries() {
        // Reference of the built-in detection: >= 5 failed logons for one (tenant, user) within 5 minutes.
        Map<String, List<Instant>> failures = new HashMap<>();
        for (TelemetryEvent e : events) {
            if (e.getActivity() instanceof AuthenticationActivity a && a.getOutcome() == AuthOutcome.FAILURE) {
                failures.computeIfAbsent(e.getTenantId() + "/" + a.getUser(), k -> new ArrayList<>()).add(e.getEventTime());
            }
        }
        Set<String> firing = new TreeSet<>();
        failures.forEach((key, times) -> {
            times.sort(null);
            for (int i = 4; i < times.size(); i++) {
                if (Duration.between(times.get(i - 4), times.get(i)).compareTo(Duration.ofMinutes(5)) <= 0) {
                    firing.add(key);
                }
            }
        });
        Set<String> expected = new TreeSet<>();
        for (AttackStory s : completed(Kind.PASSWORD_SPRAY)) {
            expected.add(s.tenant() + "/" + s.expectedAlerts().get(0).user());
        }
        assertThat(firing).isEqualTo(expected);
        // Benign failed logons exist, just never enough.
        long storyIds = generator.stories().stream().mapToLong(s -> s.eventIds().size()).sum();
        long allFailures = failures.values().stream().mapToLong(List::size).sum();
        long sprayFailures = completed(Kind.PASSWORD_SPRAY).stream().mapToLong(s -> s.eventIds().size()).sum();
        assertThat(allFailures).isGreaterThan(sprayFailures);
        assertThat(storyIds).isPositive();
    }

    @Test
    void tenantScopedIocAlertsOnlyForItsTenant() {
        String scoped = generator.scopedTenant();
        assertThat(scoped).isEqualTo("acme");
        List<ReputationUpdate> scopedVerdicts = generator.reputationFeed().stream()
                .filter(u -> u.getScope() != null).toList();
        assertThat(scopedVerdicts).singleElement().satisfies(u -> {
            assertThat(u.getScope()).isEqualTo(scoped);
            assertThat(u.getVerdict()).isEqualTo(Verdict.MALICIOUS);
            assertThat(u.getValue()).isEqualTo(TelemetryGenerator.SCOPED_IOC_IP);
        });
        List<AttackStory> stories = completed(Kind.TENANT_SCOPED_IOC);
        assertThat(stories).isNotEmpty();
        for (AttackStory s : stories) {
            assertThat(s.eventIds()).hasSize(3);
            assertThat(s.nonAlertingEventIds()).hasSize(2);
            for (String id : s.eventIds()) {
                TelemetryEvent e = byId.get(id);
                assertThat(((NetworkActivity) e.getActivity()).getDstIp()).isEqualTo(TelemetryGenerator.SCOPED_IOC_IP);
                assertThat(reputation.anyMalicious(e)).isEqualTo(e.getTenantId().equals(scoped));
                assertThat(s.nonAlertingEventIds().contains(id)).isEqualTo(!e.getTenantId().equals(scoped));
            }
            assertThat(s.expectedAlerts()).singleElement().satisfies(a -> {
                assertThat(a.tenant()).isEqualTo(scoped);
                assertThat(a.detection()).isEqualTo(Detection.MALICIOUS_IP_CONNECTION);
            });
        }
    }

    @Test
    void feedHasBenignVerdictsThatNoiseHitsAndNoiseNeverHitsAMaliciousOne() {
        List<ReputationUpdate> feed = generator.reputationFeed();
        assertThat(feed).anyMatch(u -> u.getVerdict() == Verdict.BENIGN && u.getIndicatorType() == IndicatorType.IP);
        assertThat(feed).anyMatch(u -> u.getVerdict() == Verdict.BENIGN && u.getIndicatorType() == IndicatorType.SHA256);
        assertThat(reputation.verdict("acme", IndicatorType.IP, TelemetryGenerator.RETRACTED_IP)).isEqualTo(Verdict.BENIGN);
        assertThat(reputation.verdict("globex", IndicatorType.IP, TelemetryGenerator.SCOPED_IOC_IP)).isNull();

        Set<String> storyEvents = generator.stories().stream().flatMap(s -> s.eventIds().stream())
                .collect(Collectors.toSet());
        int benignHits = 0;
        for (TelemetryEvent e : events) {
            if (storyEvents.contains(e.getEventId())) continue;
            assertThat(reputation.anyMalicious(e)).as("noise event %s", e).isFalse();
            for (ReferenceReputation.Indicator i : ReferenceReputation.indicators(e)) {
                if (reputation.verdict(e.getTenantId(), i.type(), i.value()) == Verdict.BENIGN) benignHits++;
            }
        }
        assertThat(benignHits).isGreaterThan(1000);
    }

    private static List<AttackStory> completed(Kind kind) {
        return generator.completedStories().stream().filter(s -> s.kind() == kind).toList();
    }
}
