package io.cxstream.loop;

import io.cxstream.avro.InteractionType;
import io.cxstream.config.CxConfig;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.LoopSpec;
import io.cxstream.rules.RuleException;
import io.cxstream.rules.RuleLimits;
import io.cxstream.rules.RuleParser;
import io.cxstream.testing.Events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A rule's {@code loop} object: parsed and checked with the rule, the shipped defaults, and what resolves. */
class LoopSpecTest {
    private static final String RULE = "{\"id\":\"r\",\"version\":1,\"trigger\":\"T\",\"route\":\"CONTACT_CENTER\","
            + "\"reason\":\"r\",\"action\":\"a\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.type == 'ERROR'\"}%s}";
    private final RuleParser parser = new RuleParser(RuleLimits.defaults(), Duration.ofHours(24));

    private static String rule(String loop) {
        return String.format(RULE, loop == null ? "" : ",\"loop\":" + loop);
    }

    @Test
    void aLoopIsParsedWithTheRuleAndReadByTheLifecycle() throws Exception {
        String json =
                rule("{\"resolvedBy\":\"event.type == 'ORDER_PLACED'\",\"within\":\"2 h\",\"ackSla\":\"10 min\"}");
        parser.parse(json);
        LoopSpec spec = LoopSpec.ofRuleJson(json);
        assertThat(spec.within).isEqualTo(Duration.ofHours(2));
        assertThat(spec.ackSla).isEqualTo(Duration.ofMinutes(10));
        assertThat(spec.resolves(Events.journeyInteraction("c", 1, InteractionType.ORDER_PLACED, "x")))
                .isTrue();
        assertThat(spec.resolves(Events.journeyInteraction("c", 1, InteractionType.ERROR, "x")))
                .isFalse();
        assertThat(LoopSpec.ofRuleJson(rule(null))).isNull();
    }

    @Test
    void mistakesAreNamedAndRejectTheRule() {
        assertThatThrownBy(() -> parser.parse(rule("{\"resolvedBy\":\"event.score == 'high'\",\"within\":\"1 h\"}")))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("rule r")
                .hasMessageContaining("resolvedBy");
        assertThatThrownBy(() -> parser.parse(rule("{\"resolvedBy\":\"event.type == 'ORDER_PLACED'\"}")))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("\"resolvedBy\" and \"within\" go together");
        assertThatThrownBy(() -> parser.parse(rule("{\"resolvedby\":\"x\"}")))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("unknown field \"resolvedby\"");
        assertThatThrownBy(() -> parser.parse(rule("{\"ackSla\":\"soon\"}")))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("\"ackSla\" is not a duration");
        assertThatThrownBy(() -> parser.parse(rule("[]")))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("\"loop\" must be an object");
    }

    @Test
    void theShippedRulesResolvePaymentFrictionAndAbandonmentByAnOrderAndADetractorByAPromoterAnswer() throws Exception {
        Map<String, String> settings =
                new HashMap<>(Map.of("bootstrap-servers", "b:1", "outreach.resolve-within", "6 h"));
        Map<String, LoopSpec> specs = new HashMap<>();
        for (String json : DefaultRules.load(CxConfig.fromMap(settings, Map.of()))) {
            LoopSpec spec = LoopSpec.ofRuleJson(json);
            if (spec != null) {
                specs.put(spec.ruleId, spec);
            }
        }
        assertThat(specs).containsOnlyKeys("payment-friction", "error-then-abandon", "detractor");
        assertThat(specs.values()).allSatisfy(s -> assertThat(s.within).isEqualTo(Duration.ofHours(6)));
        var order = Events.journeyInteraction("c", 1, InteractionType.ORDER_PLACED, "checkout");
        for (String id : List.of("payment-friction", "error-then-abandon")) {
            assertThat(specs.get(id).resolves(order)).isTrue();
        }
        assertThat(specs.get("detractor").resolves(order)).isFalse();
        assertThat(specs.get("detractor").resolves(Events.journeyNps("c", 1, 9)))
                .isTrue();
        assertThat(specs.get("detractor").resolves(Events.journeyNps("c", 1, 8)))
                .isFalse();
    }
}
