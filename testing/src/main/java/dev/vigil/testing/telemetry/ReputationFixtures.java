package dev.vigil.testing.telemetry;

import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ReputationUpdate;
import dev.vigil.schema.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Static builders for {@link ReputationUpdate}s. Values are canonicalised as the schema asks (lower-case hex
 * for hashes, lower-case domains, IPs as given).
 */
public final class ReputationFixtures {

    public static final String DEFAULT_SOURCE = "vigil-test-feed";

    /** Verdicts built without an explicit expiry live this long after {@code updatedAt}. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(30);

    private ReputationFixtures() {}

    /** A global (every tenant) verdict, version 1, updated at {@link TelemetryFixtures#DEFAULT_TIME} minus 1 h. */
    public static ReputationUpdate global(IndicatorType type, String value, Verdict verdict) {
        Instant updatedAt = TelemetryFixtures.DEFAULT_TIME.minus(Duration.ofHours(1));
        return update(null, type, value, verdict, 1, updatedAt, updatedAt.plus(DEFAULT_TTL));
    }

    /** A verdict only {@code tenant} may see, version 1, updated at {@link TelemetryFixtures#DEFAULT_TIME} minus 1 h. */
    public static ReputationUpdate tenantScoped(String tenant, IndicatorType type, String value, Verdict verdict) {
        Objects.requireNonNull(tenant, "tenant");
        Instant updatedAt = TelemetryFixtures.DEFAULT_TIME.minus(Duration.ofHours(1));
        return update(tenant, type, value, verdict, 1, updatedAt, updatedAt.plus(DEFAULT_TTL));
    }

    /** A global MALICIOUS verdict (score 95). */
    public static ReputationUpdate malicious(IndicatorType type, String value) {
        return global(type, value, Verdict.MALICIOUS);
    }

    /** A global BENIGN verdict (score 0). */
    public static ReputationUpdate benign(IndicatorType type, String value) {
        return global(type, value, Verdict.BENIGN);
    }

    /**
     * The general builder. {@code scope} null means global; {@code expiresAt} may be null (never expires).
     * The score follows the verdict: MALICIOUS 95, SUSPICIOUS 60, BENIGN 0, UNKNOWN 50.
     */
    public static ReputationUpdate update(String scope, IndicatorType type, String value, Verdict verdict,
                                         long version, Instant updatedAt, Instant expiresAt) {
        return ReputationUpdate.newBuilder()
                .setIndicatorType(type)
                .setValue(canonical(type, value))
                .setVerdict(verdict)
                .setScore(scoreOf(verdict))
                .setSource(DEFAULT_SOURCE)
                .setScope(scope)
                .setVersion(version)
                .setUpdatedAt(updatedAt)
                .setExpiresAt(expiresAt)
                .build();
    }

    /** A copy of {@code u} with another version and verdict (e.g. a later retraction). */
    public static ReputationUpdate withVersion(ReputationUpdate u, long version, Verdict verdict, Instant updatedAt) {
        return ReputationUpdate.newBuilder(u)
                .setVersion(version)
                .setVerdict(verdict)
                .setScore(scoreOf(verdict))
                .setUpdatedAt(updatedAt)
                .build();
    }

    /** The value as the feed writes it: lower case for hashes and domains, trimmed. */
    public static String canonical(IndicatorType type, String value) {
        Objects.requireNonNull(value, "value");
        String v = value.trim();
        return switch (type) {
            case SHA256, SHA1, MD5, DOMAIN -> v.toLowerCase(Locale.ROOT);
            default -> v;
        };
    }

    public static int scoreOf(Verdict verdict) {
        return switch (verdict) {
            case MALICIOUS -> 95;
            case SUSPICIOUS -> 60;
            case BENIGN -> 0;
            default -> 50;
        };
    }
}
