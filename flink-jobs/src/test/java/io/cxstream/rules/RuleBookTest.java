package io.cxstream.rules;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broadcast side of the rules: {@link RuleBook#apply} and {@link RuleBook#ruleSet} on the real
 * broadcast state of a keyed broadcast operator (Flink's harness), including snapshot and restore.
 */
class RuleBookTest {
    private static final List<String> DEFAULTS = DefaultRules.load(DefaultRulesTest.config(Map.of()));

    private static final String LOW_CSAT =
            "{\"id\":\"low-csat\",\"version\":%d,%s\"trigger\":\"LOW_CSAT\",\"route\":\"CONTACT_CENTER\","
                    + "\"reason\":\"CSAT {score}\",\"action\":\"Call\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.metric == 'CSAT' && event.score <= %d\"}}";
    private static final String DETRACTOR =
            "{\"id\":\"detractor\",\"version\":%d,%s\"trigger\":\"DETRACTOR\",\"route\":\"CONTACT_CENTER\","
                    + "\"reason\":\"NPS {score}\",\"action\":\"Call\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.metric == 'NPS' && event.score <= %s\"}}";

    private KeyedBroadcastOperatorTestHarness<String, String, RuleRecord, RuleStatus> harness;
    private RuleBookFunction function;

    /** The broadcast side of the job's operator in miniature: rules in, statuses out; a keyed event asks for the rule set. */
    static final class RuleBookFunction extends KeyedBroadcastProcessFunction<String, String, RuleRecord, RuleStatus> {
        private final RuleBook book;
        transient RuleSet lastRuleSet;

        RuleBookFunction(RuleBook book) {
            this.book = book;
        }

        @Override
        public void open(OpenContext openContext) {
            book.open();
        }

        @Override
        public void processElement(String customer, ReadOnlyContext ctx, Collector<RuleStatus> out) throws Exception {
            lastRuleSet = book.ruleSet(ctx.getBroadcastState(RuleBook.RULES));
        }

        @Override
        public void processBroadcastElement(RuleRecord record, Context ctx, Collector<RuleStatus> out)
                throws Exception {
            out.collect(book.apply(record, ctx.getBroadcastState(RuleBook.RULES)));
        }
    }

    @BeforeEach
    void start() throws Exception {
        startWith(6);
    }

    private void startWith(int maxActive) throws Exception {
        if (harness != null) {
            harness.close();
        }
        function = new RuleBookFunction(book(maxActive));
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                function, c -> c, Types.STRING, RuleBook.RULES);
    }

    private static RuleBook book(int maxActive) {
        return book(maxActive, Duration.ofDays(31));
    }

    private static RuleBook book(int maxActive, Duration maxWindow) {
        return new RuleBook(DEFAULTS, new RuleLimits(maxActive, maxWindow, 16), Duration.ofHours(24));
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void theDefaultsRunBeforeAnythingIsPublished() throws Exception {
        RuleSet rules = ruleSet();

        assertThat(versions(rules))
                .containsOnlyKeys("detractor", "payment-friction", "repeat-contact", "error-then-abandon", "promoter");
        assertThat(rules.inForce("detractor", Long.MIN_VALUE).rule.version).isEqualTo(1);
        assertThat(rules.inForce("low-csat", 0)).isNull();
        assertThat(rules.anyStateful()).isTrue();
    }

    @Test
    void aNewRuleIsAcceptedFromItsPublishTime() throws Exception {
        RuleStatus s = publish("low-csat", String.format(LOW_CSAT, 1, "", 2), 1_000);

        assertThat(s.status).isEqualTo(RuleStatus.ACCEPTED);
        assertThat(s.ruleId).isEqualTo("low-csat");
        assertThat(s.version).isEqualTo(1);
        assertThat(s.reason).isNull();
        assertThat(s.effectiveFrom).isEqualTo(1_000L);
        assertThat(s.publishedAt).isEqualTo(1_000L);
        assertThat(s.activeRules).isEqualTo(6);
        RuleSet rules = ruleSet();
        assertThat(rules.inForce("low-csat", 999)).isNull();
        assertThat(rules.inForce("low-csat", 1_000).rule.version).isEqualTo(1);
        assertThat(rules.inForce("low-csat", 1_000).rule.effectiveFrom).isEqualTo(1_000L);
        assertThat(triggers(rules, csat(2, 999))).isEmpty();
        assertThat(triggers(rules, csat(2, 1_000))).containsExactly("LOW_CSAT v1");
        assertThat(state()).containsOnlyKeys("low-csat");
    }

    @Test
    void anExplicitEffectiveFromIsKept() throws Exception {
        RuleStatus s = publish(
                "low-csat", String.format(LOW_CSAT, 1, "\"effectiveFrom\":\"1970-01-01T00:00:00.500Z\",", 2), 1_000);

        assertThat(s.status).isEqualTo(RuleStatus.ACCEPTED);
        assertThat(s.effectiveFrom).isEqualTo(500L);
        assertThat(ruleSet().inForce("low-csat", 500)).isNotNull();
    }

    @Test
    void aHigherVersionReplacesADefaultFromItsEffectiveFrom() throws Exception {
        RuleStatus s = publish("detractor", String.format(DETRACTOR, 2, "", "4"), 5_000);

        assertThat(s.status).isEqualTo(RuleStatus.ACCEPTED);
        assertThat(s.activeRules).isEqualTo(5);
        RuleSet rules = ruleSet();
        assertThat(rules.inForce("detractor", 4_999).rule.version).isEqualTo(1);
        assertThat(rules.inForce("detractor", 5_000).rule.version).isEqualTo(2);
        // an NPS 5 is a detractor under the default (≤ 6) but not under v2 (≤ 4): replays decide as the first run did
        assertThat(triggers(rules, nps(5, 4_999))).containsExactly("DETRACTOR v1");
        assertThat(triggers(rules, nps(5, 5_000))).isEmpty();
        assertThat(triggers(rules, nps(3, 5_000))).containsExactly("DETRACTOR v2");
    }

    @Test
    void anOlderOrAChangedSameVersionIsRejectedAndChangesNothing() throws Exception {
        publish("detractor", String.format(DETRACTOR, 3, "", "4"), 5_000);
        Map<String, String> before = state();

        RuleStatus older = publish("detractor", String.format(DETRACTOR, 2, "", "3"), 6_000);
        RuleStatus changed = publish("detractor", String.format(DETRACTOR, 3, "\"effectiveFrom\":5000,", "3"), 7_000);

        assertThat(older.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(older.version).isEqualTo(2);
        assertThat(older.reason).contains("older than the running version 3");
        assertThat(older.effectiveFrom).isNull();
        assertThat(changed.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(changed.reason).contains("other content");
        assertThat(state()).isEqualTo(before);
        assertThat(ruleSet().inForce("detractor", 8_000).rule.pattern.when).endsWith("<= 4");
    }

    @Test
    void aReDeliveryIsUnchanged() throws Exception {
        String json = String.format(DETRACTOR, 2, "", "4");
        publish("detractor", json, 5_000);
        Map<String, String> before = state();

        RuleStatus again = publish("detractor", json, 5_000);

        assertThat(again.status).isEqualTo(RuleStatus.UNCHANGED);
        assertThat(again.version).isEqualTo(2);
        assertThat(again.effectiveFrom).isEqualTo(5_000L);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void theSameRulePublishedAgainLaterWithoutAStartIsUnchangedAndKeepsItsStart() throws Exception {
        String json = String.format(DETRACTOR, 2, "", "4");
        publish("detractor", json, 5_000);
        Map<String, String> before = state();

        RuleStatus again = publish("detractor", json, 9_000);

        assertThat(again.status).isEqualTo(RuleStatus.UNCHANGED);
        assertThat(state()).isEqualTo(before);
        assertThat(ruleSet().inForce("detractor", 6_000).rule.version)
                .as("still from 5,000")
                .isEqualTo(2);
    }

    @Test
    void aTombstoneDeletesFromItsTime() throws Exception {
        publish("low-csat", String.format(LOW_CSAT, 1, "", 2), 1_000);

        RuleStatus deleted = publish("low-csat", null, 8_000);
        RuleStatus deletedDefault = publish("promoter", null, 9_000);

        assertThat(deleted.status).isEqualTo(RuleStatus.DELETED);
        assertThat(deleted.version).isEqualTo(1);
        assertThat(deleted.effectiveFrom).isEqualTo(8_000L);
        assertThat(deleted.activeRules).isEqualTo(5);
        assertThat(deletedDefault.status).isEqualTo(RuleStatus.DELETED);
        assertThat(deletedDefault.activeRules).isEqualTo(4);
        RuleSet rules = ruleSet();
        assertThat(rules.inForce("low-csat", 7_999).rule.version).isEqualTo(1);
        assertThat(rules.inForce("low-csat", 8_000)).isNull();
        assertThat(rules.inForce("promoter", 8_999)).isNotNull();
        assertThat(rules.inForce("promoter", 9_000)).isNull();
        assertThat(triggers(rules, nps(10, 8_999))).containsExactly("PROMOTER v1");
        assertThat(triggers(rules, nps(10, 9_000))).isEmpty();
        assertThat(triggers(rules, csat(1, 8_000))).isEmpty();
    }

    @Test
    void aTombstoneOfAnUnknownRuleIsRejected() throws Exception {
        RuleStatus s = publish("no-such-rule", null, 1_000);

        assertThat(s.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(s.reason).contains("no rule with id no-such-rule");
        assertThat(s.activeRules).isEqualTo(5);
        assertThat(state()).isEmpty();
    }

    @Test
    void tooManyRulesAreRejectedUntilOneIsDisabled() throws Exception {
        assertThat(publish("low-csat", String.format(LOW_CSAT, 1, "", 2), 1_000).status)
                .isEqualTo(RuleStatus.ACCEPTED);

        RuleStatus seventh =
                publish("low-ces", String.format(LOW_CSAT, 1, "", 2).replace("low-csat", "low-ces"), 2_000);

        assertThat(seventh.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(seventh.reason).contains("too many rules").contains("rules.max-active");
        assertThat(seventh.activeRules).isEqualTo(6);
        assertThat(ruleSet().inForce("low-ces", 3_000)).isNull();
        // a new version of a running rule does not count twice
        assertThat(publish("low-csat", String.format(LOW_CSAT, 2, "", 1), 3_000).status)
                .isEqualTo(RuleStatus.ACCEPTED);

        RuleStatus disabled = publish("detractor", String.format(DETRACTOR, 2, "\"enabled\":false,", "6"), 4_000);
        RuleStatus nowFits =
                publish("low-ces", String.format(LOW_CSAT, 1, "", 2).replace("low-csat", "low-ces"), 5_000);

        assertThat(disabled.status).isEqualTo(RuleStatus.DISABLED);
        assertThat(disabled.activeRules).isEqualTo(5);
        assertThat(nowFits.status).isEqualTo(RuleStatus.ACCEPTED);
        assertThat(nowFits.activeRules).isEqualTo(6);
    }

    @Test
    void aBadRuleLeavesThePreviousVersionRunning() throws Exception {
        publish("detractor", String.format(DETRACTOR, 2, "", "4"), 5_000);
        Map<String, String> before = state();

        RuleStatus typeError = publish("detractor", String.format(DETRACTOR, 3, "", "'four'"), 6_000);
        RuleStatus unknownField = publish("detractor", String.format(DETRACTOR, 3, "\"threshold\":4,", "4"), 6_000);
        RuleStatus notJson = publish("detractor", "{\"id\":\"detractor\",", 6_000);

        assertThat(typeError.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(typeError.version).isEqualTo(3);
        assertThat(typeError.reason).startsWith("rule detractor v3 \"when\": ");
        assertThat(unknownField.reason).contains("rule detractor: unknown field \"threshold\"");
        assertThat(notJson.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(notJson.version).isZero();
        assertThat(notJson.reason).contains("not valid JSON");
        assertThat(state()).isEqualTo(before);
        assertThat(ruleSet().inForce("detractor", 7_000).rule.version).isEqualTo(2);
    }

    @Test
    void theRecordKeyMustBeTheRuleId() throws Exception {
        RuleStatus wrongKey = publish("detractor", String.format(LOW_CSAT, 1, "", 2), 1_000);
        RuleStatus noKey = publish(null, String.format(LOW_CSAT, 1, "", 2), 1_000);

        assertThat(wrongKey.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(wrongKey.reason).contains("rule low-csat: the record key \"detractor\"");
        assertThat(noKey.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(noKey.reason).contains("the record key is missing");
        assertThat(state()).isEmpty();
        assertThat(ruleSet().inForce("detractor", 2_000).rule.version).isEqualTo(1);
    }

    @Test
    void aDisabledRuleIsStoredButNeverInForce() throws Exception {
        RuleStatus s = publish("low-csat", String.format(LOW_CSAT, 1, "\"enabled\":false,", 2), 1_000);

        assertThat(s.status).isEqualTo(RuleStatus.DISABLED);
        assertThat(s.activeRules).isEqualTo(5);
        assertThat(state()).containsOnlyKeys("low-csat");
        RuleSet rules = ruleSet();
        assertThat(rules.inForce("low-csat", 2_000)).isNull();
        assertThat(triggers(rules, csat(1, 2_000))).isEmpty();

        RuleStatus enabled = publish("low-csat", String.format(LOW_CSAT, 2, "", 2), 3_000);
        assertThat(enabled.status).isEqualTo(RuleStatus.ACCEPTED);
        assertThat(triggers(ruleSet(), csat(1, 3_000))).containsExactly("LOW_CSAT v2");
    }

    @Test
    void onlyTheNewestVersionsAreKept() throws Exception {
        for (int v = 2; v <= 7; v++) {
            assertThat(publish("detractor", String.format(DETRACTOR, v, "", "4"), v * 1_000L).status)
                    .isEqualTo(RuleStatus.ACCEPTED);
        }

        assertThat(versions(ruleSet()).get("detractor"))
                .hasSize(RuleBook.VERSIONS_KEPT)
                .last()
                .satisfies(r -> assertThat(r).startsWith("v7 from 7000"));
    }

    @Test
    void aRuleAcceptedUnderLargerLimitsKeepsRunningAfterARestoreWithSmallerOnes() throws Exception {
        String sequence =
                "{\"id\":\"refund-nps\",\"version\":%d,\"trigger\":\"REFUND_NPS\",\"route\":\"CONTACT_CENTER\","
                        + "\"reason\":\"r\",\"action\":\"a\",\"cooldown\":\"1 h\",\"pattern\":{\"kind\":\"sequence\","
                        + "\"first\":\"event.type == 'RETURN_REFUND'\",\"then\":\"event.metric == 'NPS'\",\"within\":\"%s\"}}";
        assertThat(publish("refund-nps", String.format(sequence, 1, "20 d"), 1_000).status)
                .isEqualTo(RuleStatus.ACCEPTED);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 2_000L);
        harness.close();

        // the job comes back from that checkpoint with rules.max-window 7 d (and shipped rules that fit it)
        function = new RuleBookFunction(new RuleBook(
                DefaultRules.load(DefaultRulesTest.config(
                        Map.of("outreach.cooldown", "1 h", "detect.repeat-contact.window", "1 h"))),
                new RuleLimits(6, Duration.ofDays(7), 16),
                Duration.ofHours(1)));
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(RuleBook.RULES)), c -> c, Types.STRING, 1, 1, 0);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();

        assertThat(ruleSet().inForce("refund-nps", 3_000).rule.pattern.within).isEqualTo(Duration.ofDays(20));
        RuleStatus tooLong = publish("refund-nps", String.format(sequence, 2, "21 d"), 4_000);
        assertThat(tooLong.status).isEqualTo(RuleStatus.REJECTED);
        assertThat(tooLong.reason).contains("rules.max-window 7 d");
        assertThat(publish("refund-nps", String.format(sequence, 3, "7 d"), 5_000).status)
                .isEqualTo(RuleStatus.ACCEPTED);
        assertThat(publish("refund-nps", null, 6_000).status).isEqualTo(RuleStatus.DELETED);
    }

    @Test
    void theRulesSurviveSnapshotAndRestore() throws Exception {
        publish("low-csat", String.format(LOW_CSAT, 1, "", 2), 1_000);
        publish("detractor", String.format(DETRACTOR, 2, "", "4"), 5_000);
        publish("promoter", null, 9_000);
        publish("low-ces", String.format(LOW_CSAT, 1, "\"enabled\":false,", 2).replace("low-csat", "low-ces"), 9_500);
        Map<String, String> state = state();
        Map<String, List<String>> versions = versions(ruleSet());

        OperatorSubtaskState snapshot = harness.snapshot(1L, 10_000L);
        harness.close();
        function = new RuleBookFunction(book(6));
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(RuleBook.RULES)), c -> c, Types.STRING, 1, 1, 0);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();

        assertThat(state()).isEqualTo(state).hasSize(4);
        RuleSet restored = ruleSet();
        assertThat(versions(restored)).isEqualTo(versions);
        assertThat(restored.inForce("detractor", 4_999).rule.version).isEqualTo(1);
        assertThat(restored.inForce("detractor", 5_000).rule.version).isEqualTo(2);
        assertThat(restored.inForce("promoter", 9_000)).isNull();
        // and the restored book goes on deciding from the restored state
        assertThat(publish("detractor", String.format(DETRACTOR, 2, "", "4"), 5_000).status)
                .isEqualTo(RuleStatus.UNCHANGED);
        assertThat(publish("low-csat", String.format(LOW_CSAT, 1, "", 1), 11_000).status)
                .isEqualTo(RuleStatus.REJECTED);
    }

    // ---- helpers ----

    private RuleStatus publish(String key, String json, long timestamp) throws Exception {
        harness.getOutput().clear();
        harness.processBroadcastElement(new RuleRecord(key, json, timestamp), timestamp);
        List<RuleStatus> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private RuleSet ruleSet() throws Exception {
        harness.processElement("c-1", 0L);
        return function.lastRuleSet;
    }

    private Map<String, String> state() throws Exception {
        BroadcastState<String, String> state = harness.getBroadcastState(RuleBook.RULES);
        Map<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            copy.put(e.getKey(), e.getValue());
        }
        return copy;
    }

    /** Rule id → its versions as "vN from T enabled|disabled json". */
    private static Map<String, List<String>> versions(RuleSet rules) {
        Map<String, List<String>> all = new TreeMap<>();
        for (List<CompiledRule> list : rules.all()) {
            List<String> described = new ArrayList<>();
            for (CompiledRule c : list) {
                described.add("v" + c.rule.version + " from " + c.rule.effectiveFrom
                        + (c.rule.enabled ? " enabled " : " disabled ") + c.rule.json);
            }
            all.put(list.get(0).rule.id, described);
        }
        return all;
    }

    /** The rules an event hits (trigger and version of each). */
    private static List<String> triggers(RuleSet rules, JourneyEvent event) {
        List<String> hits = new ArrayList<>();
        for (RuleSet.Hit hit : rules.evaluate(event, null, new EventVariables())) {
            hits.add(hit.rule.rule.trigger + " v" + hit.rule.rule.version);
        }
        return hits;
    }

    private static JourneyEvent nps(int score, long time) {
        JourneyEvent e = ConditionsTest.nps(score, null);
        e.eventTime = time;
        return e;
    }

    private static JourneyEvent csat(int score, long time) {
        JourneyEvent e = ConditionsTest.nps(score, null);
        e.metric = FeedbackMetric.CSAT;
        e.npsCategory = null;
        e.eventTime = time;
        return e;
    }
}
