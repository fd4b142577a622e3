package io.cxstream.rules;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.RuleMark;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.NpsCategory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CEL conditions: checked when compiled, evaluated over every declared variable, indexed by event key. */
class ConditionsTest {
    private final Conditions conditions = new Conditions();
    private final EventVariables vars = new EventVariables();

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "event.foo == 1", // unknown field
                "customer.id == 'c-1'", // unknown variable
                "event.score == 'high'", // int compared with string
                "event.score <= 6.5", // int compared with double (the runtime would compare them; the checker does not)
                "journey.churnRisk == 70.0", // the same with ==
                "event.type == 3", // string compared with int
                "event.attributes['amount'] > 100", // map values are strings
                "journey.recentTouchpoints == 'cart'", // list compared with string
                "event.score", // not a boolean
                "event.touchpoint.lowerAscii()", // not a boolean
                "event.score <", // syntax
                "event.type = 'ERROR'", // syntax
                "size(event.touchpoint) > 'x'", // no such overload
            })
    void rejectedWhenCompiled(String expression) {
        assertThatThrownBy(() -> conditions.condition(expression, "rule r v1 \"when\""))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith("rule r v1 \"when\": ");
    }

    @Test
    void priorityExpressionsMustGiveAString() throws Exception {
        Condition p = conditions.text("event.score <= 2 ? 'P1' : 'P3'", "rule r v1 \"priority\"");
        assertThat(p.text(vars.of(nps(1, null), null))).isEqualTo("P1");
        assertThat(p.text(vars.of(nps(5, null), null))).isEqualTo("P3");
        assertThat(p.keys).isNull();

        assertThatThrownBy(() -> conditions.text("event.score <= 2", "rule r v1 \"priority\""))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("rule r v1 \"priority\"");
    }

    static Stream<String> trueForTheInteraction() {
        return Stream.of(
                "event.kind == 'INTERACTION'",
                "event.type == 'ERROR'",
                "event.metric == ''",
                "event.score == 0 && event.normalizedScore == 0",
                "event.npsCategory == ''",
                "event.channel == 'WEB'",
                "event.touchpoint == 'Checkout'",
                "event.touchpoint.lowerAscii() == 'checkout'",
                "event.touchpoint.lowerAscii() in ['checkout', 'payment']",
                "event.agentId == 'agent-7'",
                "event.attributes['errorCode'] == 'E42'",
                "'errorCode' in event.attributes && !('amount' in event.attributes)",
                "event.attributes.size() == 1",
                "journey.stage == 'AT_RISK'",
                "journey.segment == 'LOYAL'",
                "journey.churnRisk == 80",
                "journey.lastNps == 3",
                "journey.lastCsat == 2",
                "journey.lastCes == -1",
                "'WEB:cart' in journey.recentTouchpoints && size(journey.recentTouchpoints) == 2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trueForTheInteraction")
    void everyVariableOfAnInteraction(String expression) throws Exception {
        Condition c = conditions.condition(expression, "test");
        assertThat(c.test(vars.of(error(), Map.of("errorCode", "E42")))).isTrue();
        // and the negation is false: the result is not stuck at true
        assertThat(conditions
                        .condition("!(" + expression + ")", "test")
                        .test(vars.of(error(), Map.of("errorCode", "E42"))))
                .isFalse();
    }

    static Stream<String> trueForTheFeedback() {
        return Stream.of(
                "event.kind == 'FEEDBACK'",
                "event.type == ''",
                "event.metric == 'NPS'",
                "event.score == 4",
                "event.normalizedScore == 40",
                "event.npsCategory == 'DETRACTOR'",
                "event.channel == 'EMAIL'",
                "event.touchpoint == 'delivery'",
                "event.agentId == ''",
                "event.attributes.size() == 0",
                "journey.stage == 'UNKNOWN' && journey.segment == '' && journey.churnRisk == 0",
                "journey.lastNps == -1 && journey.lastCsat == -1 && journey.lastCes == -1",
                "size(journey.recentTouchpoints) == 0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trueForTheFeedback")
    void everyVariableOfFeedbackWithoutAJourney(String expression) throws Exception {
        Condition c = conditions.condition(expression, "test");
        assertThat(c.test(vars.of(nps(4, null), null))).isTrue();
        assertThat(conditions.condition("!(" + expression + ")", "test").test(vars.of(nps(4, null), null)))
                .isFalse();
    }

    @Test
    void aRememberedEventHasItsFieldsButNoAttributes() throws Exception {
        RuleMark mark = Findings.mark(error(), true);
        assertThat(conditions
                        .condition(
                                "event.type == 'ERROR' && event.touchpoint == 'Checkout' && journey.segment == 'LOYAL'"
                                        + " && event.attributes.size() == 0",
                                "test")
                        .test(vars.of(mark)))
                .isTrue();
    }

    /**
     * The compiler is built without CEL's macros (has, exists, all, exists_one, map, filter): no
     * comprehension can run at all. docs/rules.md says so; if macros are enabled, update it too.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"journey.recentTouchpoints.exists(t, t.endsWith(':checkout'))", "has(event.attributes.errorCode)"
            })
    void macrosAreNotAvailable(String expression) {
        assertThatThrownBy(() -> conditions.condition(expression, "test"))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("undeclared reference");
    }

    @Test
    void anEvaluationErrorIsNoMatch() throws Exception {
        Condition missingKey = conditions.condition("event.attributes['amount'] == '10'", "test");
        Condition divideByZero = conditions.condition("10 / event.score > 1", "test");

        assertThat(missingKey.test(vars.of(error(), Map.of("errorCode", "E42"))))
                .isFalse();
        assertThat(missingKey.test(vars.of(error(), Map.of("amount", "10")))).isTrue();
        assertThat(divideByZero.test(vars.of(nps(0, null), null))).isFalse();
        assertThat(divideByZero.test(vars.of(nps(4, null), null))).isTrue();
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("event.type == 'PAYMENT_FAILED'", Set.of("type:PAYMENT_FAILED"), true),
                Arguments.of("'PAYMENT_FAILED' == event.type", Set.of("type:PAYMENT_FAILED"), true),
                Arguments.of("event.metric == 'NPS'", Set.of("metric:NPS"), true),
                Arguments.of(
                        "event.type in ['SUPPORT_CONTACT', 'CALL_ABANDONED']",
                        Set.of("type:SUPPORT_CONTACT", "type:CALL_ABANDONED"),
                        true),
                Arguments.of("event.metric == 'NPS' && event.score <= 6", Set.of("metric:NPS"), false),
                Arguments.of("event.score <= 6 && event.metric == 'NPS'", Set.of("metric:NPS"), false),
                Arguments.of(
                        "event.type in ['ERROR', 'CALL_ABANDONED'] && event.type == 'ERROR'",
                        Set.of("type:ERROR"),
                        false),
                Arguments.of(
                        "event.type == 'ERROR' || event.metric == 'CES'", Set.of("type:ERROR", "metric:CES"), true),
                Arguments.of(
                        "(event.type == 'ERROR' && event.touchpoint == 'checkout') || event.type in ['ORDER_PLACED']",
                        Set.of("type:ERROR", "type:ORDER_PLACED"),
                        false),
                Arguments.of("event.type == 'ERROR' || event.score < 3", null, false),
                Arguments.of("event.score < 3", null, false),
                Arguments.of("event.type != 'ERROR'", null, false),
                Arguments.of("!(event.type == 'ERROR')", null, false),
                Arguments.of("event.touchpoint == 'checkout'", null, false),
                Arguments.of("event.type in [event.touchpoint]", null, false),
                Arguments.of("event.type == event.touchpoint", null, false),
                Arguments.of("event.channel == 'WEB'", null, false),
                Arguments.of("true", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void theKeyIndex(String expression, Set<String> keys, boolean keysDecide) throws Exception {
        Condition c = conditions.condition(expression, "test");
        assertThat(c.keys).isEqualTo(keys);
        assertThat(c.keysDecide).isEqualTo(keysDecide);
    }

    /**
     * Skipping evaluation never changes a match: for every event of one of a condition's keys (each
     * interaction type and each metric, at both ends of the scale and a checkout touchpoint),
     * {@code matches} equals evaluating it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void anEventOfItsKeysMatchesAsEvaluated(String expression, Set<String> keys, boolean keysDecide) throws Exception {
        Condition c = conditions.condition(expression, "test");
        int checked = 0;
        for (JourneyEvent e : everyKindOfEvent()) {
            if (c.keys != null && c.keys.contains(RuleSet.keyOf(e))) {
                boolean evaluated = c.test(vars.of(e, null));
                assertThat(c.matches(vars.of(e, null)))
                        .as("%s on %s", expression, RuleSet.keyOf(e))
                        .isEqualTo(evaluated);
                assertThat(evaluated || !keysDecide)
                        .as("a deciding key always matches")
                        .isTrue();
                checked++;
            }
        }
        assertThat(checked > 0).isEqualTo(keys != null);
    }

    private static List<JourneyEvent> everyKindOfEvent() {
        List<JourneyEvent> events = new java.util.ArrayList<>();
        for (InteractionType type : InteractionType.values()) {
            for (String touchpoint : List.of("checkout", "Home")) {
                JourneyEvent e = error();
                e.interactionType = type;
                e.touchpoint = touchpoint;
                events.add(e);
            }
        }
        for (io.cxstream.avro.FeedbackMetric metric : io.cxstream.avro.FeedbackMetric.values()) {
            for (int score : new int[] {0, 10}) {
                JourneyEvent e = nps(score, null);
                e.metric = metric;
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void theVariablesAreTheDeclaredOnes() {
        assertThat(Conditions.VARIABLES.keySet()).allMatch(n -> n.startsWith("event.") || n.startsWith("journey."));
        assertThat(Conditions.VARIABLES).hasSize(17);
        for (String name : Conditions.VARIABLES.keySet()) {
            assertThat(vars.of(nps(4, null), null).find(name)).as(name).isPresent();
        }
        assertThat(vars.find("event.foo")).isEmpty();
    }

    static JourneyEvent error() {
        JourneyEvent e = new JourneyEvent();
        e.customerId = "c-1";
        e.eventId = "e-1";
        e.eventTime = 1_000L;
        e.interactionType = InteractionType.ERROR;
        e.channel = Channel.WEB;
        e.touchpoint = "Checkout";
        e.agentId = "agent-7";
        e.snapshot = JourneySnapshot.newBuilder()
                .setStage(JourneyStage.AT_RISK)
                .setSegment("LOYAL")
                .setChurnRisk(80)
                .setLastNps(3)
                .setLastCsat(2)
                .setLastCes(null)
                .setRecentTouchpoints(List.of("WEB:cart", "WEB:checkout"))
                .build();
        return e;
    }

    static JourneyEvent nps(int score, JourneySnapshot snapshot) {
        JourneyEvent e = new JourneyEvent();
        e.customerId = "c-1";
        e.eventId = "f-" + score;
        e.eventTime = 2_000L;
        e.metric = FeedbackMetric.NPS;
        e.score = score;
        e.normalizedScore = score * 10;
        e.npsCategory = score <= 6 ? NpsCategory.DETRACTOR : score <= 8 ? NpsCategory.PASSIVE : NpsCategory.PROMOTER;
        e.channel = Channel.EMAIL;
        e.touchpoint = "delivery";
        e.snapshot = snapshot;
        return e;
    }
}
