package dev.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.detections.engine.DetectionEngine;
import dev.vigil.detections.sigma.SigmaRule;
import dev.vigil.schema.EnrichedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the benchmark's inputs (a few seconds; the benchmark itself runs on demand): the 1,000-rule
 * corpus is 1,000 distinct rules, and on it the index gives exactly the findings of evaluating every rule.
 */
class RuleEvaluationBenchmarkTest {

    @BeforeEach
    void requireTheSet() {
        assumeTrue(RealData.present(), "real-data set absent (" + RealData.location() + "): skipped");
    }

    @Test
    void replicatedRulesAreDistinctAndTheIndexAgreesWithEvaluatingEveryRule() {
        RuleCorpus corpus = new RuleCorpus(RealData.require());
        assertThat(corpus.realRules()).isEqualTo(128);
        List<SigmaRule> rules = corpus.rules(1000);
        assertThat(rules).hasSize(1000);
        assertThat(new HashSet<>(rules.stream().map(SigmaRule::id).toList())).hasSize(1000);
        assertThat(corpus.rules(10)).hasSize(10);
        // no replica is a copy of another rule's detection (a rule testing only EventIDs has no replica), nor of its
        // index requirement (one tagged only in a negated search, as win_security_successful_external_remote_smb_login)
        assertThat(new HashSet<>(corpus.documents(1000).stream().map(d -> d.get("detection")).toList())).hasSize(1000);
        assertThat(corpus.documents(1000).stream().filter(d -> String.valueOf(d.get("title"))
                .startsWith("External Remote SMB Logon from Public IP")).count()).isEqualTo(1);

        List<EnrichedEvent> events = TelemetryCorpus.events(RealData.require());
        assertThat(events).hasSize(7_073);
        DetectionEngine indexed = RuleEvaluationBenchmark.engine(rules, "indexed");
        DetectionEngine linear = RuleEvaluationBenchmark.engine(rules, "linear");
        int findings = 0;
        for (EnrichedEvent e : events.subList(0, events.size() / 4)) { // a shuffled quarter: the udfs tests check all
            List<Integer> expected = new ArrayList<>();
            linear.evaluate(e, (detection, finding) -> expected.add(detection));
            List<Integer> actual = new ArrayList<>();
            indexed.evaluate(e, (detection, finding) -> actual.add(detection));
            assertThat(actual).as("event %s", e.getEvent().getEventId()).isEqualTo(expected);
            findings += expected.size();
        }
        // the 1,000 hold the 128 real rules, whose hits the replicas (with tagged values) can only add to
        DetectionEngine real = RuleEvaluationBenchmark.engine(corpus.rules(128), "indexed");
        int[] realFindings = new int[1];
        for (EnrichedEvent e : events.subList(0, events.size() / 4)) {
            real.evaluate(e, (detection, finding) -> realFindings[0]++);
        }
        assertThat(realFindings[0]).as("findings of the real rules over a quarter of the corpus").isGreaterThan(30);
        assertThat(findings).as("findings of 1,000 rules over a quarter of the corpus").isGreaterThanOrEqualTo(realFindings[0]);
    }

    @Test
    void scalingRatioHarnessCanTimeOnlyTheEventsWithoutAHit() {
        RuleScalingRatio.Result r = RuleScalingRatio.measure(new int[] {10, 100}, 5, 2, true);
        assertThat(r.eventsPerSecond()[1]).isPositive();
        // the events some rule of the 100 matches are left out, so fewer rules are candidates per event
        RuleScalingRatio.Result all = RuleScalingRatio.measure(new int[] {10, 100}, 5, 2, false);
        assertThat(r.rulesEvaluatedPerEvent()[1]).isLessThan(all.rulesEvaluatedPerEvent()[1]);
    }

    @Test
    void scalingRatioHarnessMeasuresEveryRuleCountInTurn() {
        RuleScalingRatio.Result r = RuleScalingRatio.measure(new int[] {10, 100}, 5, 2);
        assertThat(r.eventsPerSecond()[0]).isPositive();
        assertThat(r.eventsPerSecond()[1]).isPositive();
        assertThat(r.ratio()[0]).isEqualTo(1.0);
        assertThat(r.ratio()[1]).isPositive().isBetween(r.ratioLow()[1], r.ratioHigh()[1]);
        for (int i = 0; i < 2; i++) {
            assertThat(r.rulesEvaluatedPerEvent()[i]).as("%d rules: some evaluated, far from all", r.rules()[i])
                    .isPositive().isLessThan(r.rules()[i] / 10.0);
        }
    }

    @Test
    void replicaTagsKeepWildcardsWhereTheyWere() {
        assertThat(RuleCorpus.tag("\\cmd.exe", 3)).isEqualTo("\\cmd.exe~r3");
        assertThat(RuleCorpus.tag("*\\temp\\\\*", 1)).isEqualTo("*\\temp\\\\~r1*");
        assertThat(RuleCorpus.tag("*temp**", 1)).isEqualTo("*temp~r1**");
        assertThat(RuleCorpus.tag("a\\*", 2)).isEqualTo("a\\*~r2");
        assertThat(RuleCorpus.tag("", 4)).isEqualTo("~r4");
    }

    @Test
    void oneBenchmarkInvocationRuns() {
        for (String events : List.of("fresh", "corpus")) {
            RuleEvaluationBenchmark b = new RuleEvaluationBenchmark();
            b.rules = 100;
            b.evaluation = "indexed";
            b.events = events;
            b.load();
            b.nextBatch();
            assertThat(b.evaluate()).isGreaterThanOrEqualTo(146); // findings of the warm-up pass, and then some
        }
    }
}
