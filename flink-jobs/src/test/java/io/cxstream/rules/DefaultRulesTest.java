package io.cxstream.rules;

import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped rules: today's five detectors, their thresholds from the detect.* settings, or a rule file instead. */
class DefaultRulesTest {
    private final RuleParser parser = new RuleParser(RuleLimits.defaults(), Duration.ofHours(24));

    @Test
    void theShippedFileGivesTheFiveDetectors() throws Exception {
        List<Rule> rules = load(Map.of());

        assertThat(rules)
                .extracting(r -> r.trigger)
                .containsExactly("DETRACTOR", "PAYMENT_FRICTION", "REPEAT_CONTACT", "ERROR_THEN_ABANDON", "PROMOTER");
        assertThat(rules)
                .extracting(r -> r.id)
                .containsExactly("detractor", "payment-friction", "repeat-contact", "error-then-abandon", "promoter");
        assertThat(rules)
                .extracting(r -> r.pattern.kind)
                .containsExactly(
                        Rule.Kind.SINGLE, Rule.Kind.COUNT, Rule.Kind.COUNT, Rule.Kind.ABSENCE, Rule.Kind.SINGLE);
        assertThat(rules).allSatisfy(r -> {
            assertThat(r.version).isEqualTo(1);
            assertThat(r.enabled).isTrue();
            assertThat(r.effectiveFrom).isEqualTo(Rule.ALWAYS);
            assertThat(r.cooldown).isEqualTo(Duration.ofHours(24));
        });
        Rule detractor = rules.get(0);
        assertThat(detractor.pattern.when).isEqualTo("event.metric == 'NPS' && event.score <= 6");
        Rule payment = rules.get(1);
        assertThat(payment.pattern.count).isEqualTo(2);
        assertThat(payment.pattern.within).isEqualTo(Duration.ofMinutes(10));
        assertThat(payment.pattern.other).isEqualTo("event.type == 'ORDER_PLACED'");
        Rule repeat = rules.get(2);
        assertThat(repeat.pattern.count).isEqualTo(3);
        assertThat(repeat.pattern.within).isEqualTo(Duration.ofHours(24));
        Rule abandon = rules.get(3);
        assertThat(abandon.pattern.when)
                .isEqualTo("event.type == 'ERROR' && event.touchpoint.lowerAscii() in ['checkout', 'payment']");
        assertThat(abandon.pattern.within).isEqualTo(Duration.ofMinutes(15));
        Rule promoter = rules.get(4);
        assertThat(promoter.pattern.when).isEqualTo("event.metric == 'NPS' && event.score >= 9");
        assertThat(promoter.route.name()).isEqualTo("MARKETING");
        assertThat(promoter.boostAtRisk).isFalse();
    }

    @Test
    void theSettingsAreSubstituted() throws Exception {
        List<Rule> rules = load(Map.of(
                "detect.detractor.max-nps", "4",
                "detect.promoter.min-nps", "10",
                "detect.payment-friction.failures", "3",
                "detect.payment-friction.window", "20 min",
                "detect.repeat-contact.contacts", "5",
                "detect.repeat-contact.window", "2 d",
                "detect.abandonment.window", "90 s",
                "detect.abandonment.touchpoints", "Basket;pay'ment",
                "outreach.cooldown", "3 h"));

        assertThat(rules.get(0).pattern.when).isEqualTo("event.metric == 'NPS' && event.score <= 4");
        assertThat(rules.get(0).description).contains("at or below 4");
        assertThat(rules.get(1).pattern.count).isEqualTo(3);
        assertThat(rules.get(1).pattern.within).isEqualTo(Duration.ofMinutes(20));
        assertThat(rules.get(2).pattern.count).isEqualTo(5);
        assertThat(rules.get(2).pattern.within).isEqualTo(Duration.ofDays(2));
        assertThat(rules.get(3).pattern.within).isEqualTo(Duration.ofSeconds(90));
        // lower-cased, sorted, and a quote inside a touchpoint stays inside its CEL string
        assertThat(rules.get(3).pattern.when).endsWith("in ['basket', 'pay\\'ment']");
        assertThat(rules.get(4).pattern.when).isEqualTo("event.metric == 'NPS' && event.score >= 10");
        assertThat(rules).allSatisfy(r -> assertThat(r.cooldown).isEqualTo(Duration.ofHours(3)));
    }

    @Test
    void aZeroCooldownIsSubstitutedToo() throws Exception {
        assertThat(load(Map.of("outreach.cooldown", "0 s")))
                .allSatisfy(r -> assertThat(r.cooldown).isZero());
    }

    @Test
    void detectEnabledPicksTheShippedRules() throws Exception {
        assertThat(load(Map.of("detect.enabled", "PROMOTER;payment-friction")))
                .extracting(r -> r.trigger)
                .containsExactly("PAYMENT_FRICTION", "PROMOTER");
    }

    @Test
    void aRulesFileReplacesTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.json");
        Files.writeString(
                file,
                "{\"schema\":1,\"rules\":[{\"id\":\"low-csat\",\"version\":2,\"trigger\":\"LOW_CSAT\","
                        + "\"route\":\"CONTACT_CENTER\",\"reason\":\"CSAT {score}\",\"action\":\"Call\","
                        + "\"pattern\":{\"kind\":\"single\",\"when\":\"event.metric == 'CSAT' && event.score <= ${detect.detractor.max-nps}\"}}]}");

        // detect.enabled does not filter a rules file: it names the shipped rules
        List<Rule> rules = load(
                Map.of("rules.file", file.toString(), "detect.enabled", "PROMOTER", "detect.detractor.max-nps", "2"));

        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).id).isEqualTo("low-csat");
        assertThat(rules.get(0).version).isEqualTo(2);
        assertThat(rules.get(0).pattern.when)
                .as("placeholders work in a rules file too")
                .endsWith("<= 2");
    }

    @Test
    void aBadRulesFileFailsNamingTheSetting(@TempDir Path dir) throws Exception {
        Path typeError = Files.writeString(
                dir.resolve("type-error.json"),
                "{\"schema\":1,\"rules\":[{\"id\":\"low-csat\",\"version\":1,"
                        + "\"trigger\":\"LOW_CSAT\",\"route\":\"CONTACT_CENTER\",\"reason\":\"r\",\"action\":\"a\","
                        + "\"pattern\":{\"kind\":\"single\",\"when\":\"event.score <= 'two'\"}}]}");
        Path schema = Files.writeString(dir.resolve("schema.json"), "{\"schema\":2,\"rules\":[]}");
        Path placeholder = Files.writeString(
                dir.resolve("placeholder.json"), "{\"schema\":1,\"rules\":[], \"x\": \"${detect.nope}\"}");
        Path notJson = Files.writeString(dir.resolve("not-json.json"), "rules: []");

        assertThatThrownBy(() -> DefaultRules.load(config(Map.of("rules.file", typeError.toString()))))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("rules.file"))
                .hasMessageContaining("rule low-csat v1 \"when\"");
        assertThatThrownBy(() -> DefaultRules.load(config(Map.of("rules.file", schema.toString()))))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("rules.file"))
                .hasMessageContaining("\"schema\" must be 1");
        assertThatThrownBy(() -> DefaultRules.load(config(Map.of("rules.file", placeholder.toString()))))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("rules.file"))
                .hasMessageContaining("${detect.nope}");
        assertThatThrownBy(() -> DefaultRules.load(config(Map.of("rules.file", notJson.toString()))))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("rules.file"))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void twoRulesWithOneIdFail(@TempDir Path dir) throws Exception {
        String rule =
                "{\"id\":\"low-csat\",\"version\":%d,\"trigger\":\"LOW_CSAT\",\"route\":\"CONTACT_CENTER\",\"reason\":\"r\","
                        + "\"action\":\"a\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.score <= %d\"}}";
        Path file = Files.writeString(
                dir.resolve("twice.json"),
                "{\"schema\":1,\"rules\":[" + String.format(rule, 1, 2) + "," + String.format(rule, 2, 3) + "]}");

        assertThatThrownBy(() -> DefaultRules.load(config(Map.of("rules.file", file.toString()))))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("rules.file"))
                .hasMessageContaining("rule low-csat: \"id\" is used by more than one rule");
    }

    @Test
    void moreStartRulesThanMaxActiveFail() {
        assertThatThrownBy(() -> DefaultRules.load(config(Map.of("rules.max-active", "4"))))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class, e -> assertThat(e.key()).isEqualTo("rules.max-active"));
    }

    @Test
    void aSmallerMaxWindowRejectsTheShippedRepeatContactWindow() {
        assertThatThrownBy(
                        () -> DefaultRules.load(config(Map.of("rules.max-window", "20 h", "outreach.cooldown", "1 h"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("rule repeat-contact")
                .hasMessageContaining("rules.max-window");
    }

    private List<Rule> load(Map<String, String> settings) throws RuleException {
        List<Rule> rules = new java.util.ArrayList<>();
        for (String json : DefaultRules.load(config(settings))) {
            rules.add(parser.parse(json));
        }
        return rules;
    }

    static CxConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("bootstrap-servers", "localhost:9092");
        return CxConfig.fromMap(all, Map.of());
    }
}
