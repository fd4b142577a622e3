package io.cxstream.rules;

import io.cxstream.avro.Route;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON form of rules: every field and kind parses, and every kind of mistake is named. */
class RuleParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_COOLDOWN = Duration.ofHours(24);

    private final RuleParser parser = new RuleParser(RuleLimits.defaults(), DEFAULT_COOLDOWN);

    /** A valid count rule; tests change one field of it. */
    static final String VALID =
            "{\"id\":\"csat-delivery\",\"version\":3,\"enabled\":true,\"description\":\"two bad CSAT\","
                    + "\"trigger\":\"BAD_DELIVERY\",\"route\":\"CONTACT_CENTER\",\"priority\":\"P2\",\"boostAtRisk\":false,"
                    + "\"reason\":\"{count} CSAT at {touchpoint}\",\"action\":\"Call about the delivery\",\"cooldown\":\"7 d\","
                    + "\"effectiveFrom\":\"2026-01-01T00:00:00Z\","
                    + "\"pattern\":{\"kind\":\"count\",\"when\":\"event.metric == 'CSAT' && event.score <= 2\",\"count\":2,"
                    + "\"within\":\"30 d\",\"resetWhen\":\"event.type == 'ORDER_PLACED'\",\"consecutive\":true}}";

    @Test
    void everyFieldOfACountRule() throws Exception {
        Rule r = parser.parse(VALID);

        assertThat(r.id).isEqualTo("csat-delivery");
        assertThat(r.version).isEqualTo(3);
        assertThat(r.enabled).isTrue();
        assertThat(r.description).isEqualTo("two bad CSAT");
        assertThat(r.trigger).isEqualTo("BAD_DELIVERY");
        assertThat(r.route).isEqualTo(Route.CONTACT_CENTER);
        assertThat(r.priority).isEqualTo("P2");
        assertThat(r.boostAtRisk).isFalse();
        assertThat(r.reason).isEqualTo("{count} CSAT at {touchpoint}");
        assertThat(r.action).isEqualTo("Call about the delivery");
        assertThat(r.cooldown).isEqualTo(Duration.ofDays(7));
        assertThat(r.effectiveFrom)
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThat(r.pattern.kind).isEqualTo(Rule.Kind.COUNT);
        assertThat(r.pattern.when).isEqualTo("event.metric == 'CSAT' && event.score <= 2");
        assertThat(r.pattern.other).isEqualTo("event.type == 'ORDER_PLACED'");
        assertThat(r.pattern.count).isEqualTo(2);
        assertThat(r.pattern.within).isEqualTo(Duration.ofDays(30));
        assertThat(r.pattern.consecutive).isTrue();
        assertThat(r.pattern.stateful()).isTrue();
        assertThat(JSON.readTree(r.json)).isEqualTo(JSON.readTree(VALID));
    }

    @Test
    void defaultsOfTheOptionalFields() throws Exception {
        Rule r = parser.parse("{\"id\":\"nps\",\"version\":1,\"trigger\":\"LOW_NPS\",\"route\":\"MARKETING\","
                + "\"reason\":\"r\",\"action\":\"a\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.score < 3\"}}");

        assertThat(r.enabled).isTrue();
        assertThat(r.description).isEmpty();
        assertThat(r.priority).isEqualTo("P3");
        assertThat(r.boostAtRisk)
                .as("boost only for the contact center by default")
                .isFalse();
        assertThat(r.cooldown).isEqualTo(DEFAULT_COOLDOWN);
        assertThat(r.effectiveFrom).isEqualTo(Rule.ALWAYS);
        assertThat(r.pattern.kind).isEqualTo(Rule.Kind.SINGLE);
        assertThat(r.pattern.stateful()).isFalse();

        Rule cc = parser.parse(with(VALID, n -> {
            n.remove("boostAtRisk");
            n.put("effectiveFrom", 1234L);
            n.put("enabled", false);
        }));
        assertThat(cc.boostAtRisk).as("boost for the contact center by default").isTrue();
        assertThat(cc.effectiveFrom).isEqualTo(1234L);
        assertThat(cc.enabled).isFalse();
    }

    @Test
    void absenceAndSequenceAndComputedPriority() throws Exception {
        Rule absence = parser.parse(
                "{\"id\":\"abandon\",\"version\":1,\"trigger\":\"ABANDON\",\"route\":\"CONTACT_CENTER\","
                        + "\"priority\":\"event.score > 1 ? 'P1' : 'P2'\",\"reason\":\"r\",\"action\":\"a\","
                        + "\"pattern\":{\"kind\":\"absence\",\"when\":\"event.type == 'ERROR'\",\"missing\":\"event.type == 'ORDER_PLACED'\",\"within\":\"15 min\"}}");
        assertThat(absence.pattern.kind).isEqualTo(Rule.Kind.ABSENCE);
        assertThat(absence.pattern.when).isEqualTo("event.type == 'ERROR'");
        assertThat(absence.pattern.other).isEqualTo("event.type == 'ORDER_PLACED'");
        assertThat(absence.pattern.within).isEqualTo(Duration.ofMinutes(15));
        assertThat(absence.priority).isEqualTo("event.score > 1 ? 'P1' : 'P2'");

        Rule sequence = parser.parse(
                "{\"id\":\"refund-then-nps\",\"version\":2,\"trigger\":\"REFUND_DETRACTOR\",\"route\":\"CONTACT_CENTER\","
                        + "\"reason\":\"r\",\"action\":\"a\",\"pattern\":{\"kind\":\"SEQUENCE\",\"first\":\"event.type == 'RETURN_REFUND'\","
                        + "\"then\":\"event.metric == 'NPS' && event.score <= 6\",\"within\":\"7 d\"}}");
        assertThat(sequence.pattern.kind).as("kind is case-insensitive").isEqualTo(Rule.Kind.SEQUENCE);
        assertThat(sequence.pattern.when).isEqualTo("event.type == 'RETURN_REFUND'");
        assertThat(sequence.pattern.other).isEqualTo("event.metric == 'NPS' && event.score <= 6");
        assertThat(sequence.pattern.count).isEqualTo(2);
        assertThat(sequence.pattern.within).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aRuleFile() throws Exception {
        List<Rule> rules = parser.parseFile(
                "{\"schema\":1,\"rules\":[" + VALID + "," + with(VALID, n -> n.put("id", "other")) + "]}");

        assertThat(rules).extracting(r -> r.id).containsExactly("csat-delivery", "other");
    }

    static Stream<Arguments> badRules() {
        return Stream.of(
                // what is wrong, the rule, the words the message must contain
                Arguments.of("not JSON", "{\"id\":", new String[] {"not valid JSON"}),
                Arguments.of("not an object", "[1]", new String[] {"rule", "object"}),
                Arguments.of("missing id", with(VALID, n -> n.remove("id")), new String[] {"\"id\""}),
                Arguments.of("bad id", with(VALID, n -> n.put("id", "Bad Id")), new String[] {"\"id\"", "Bad Id"}),
                Arguments.of("id not a string", with(VALID, n -> n.put("id", 7)), new String[] {"\"id\"", "string"}),
                Arguments.of("unknown field", with(VALID, n -> n.put("treshold", 3)), at("unknown field \"treshold\"")),
                Arguments.of("missing version", with(VALID, n -> n.remove("version")), at("\"version\"")),
                Arguments.of("version 0", with(VALID, n -> n.put("version", 0)), at("\"version\"")),
                Arguments.of("version 1.5", with(VALID, n -> n.put("version", 1.5)), at("\"version\"")),
                Arguments.of("version as text", with(VALID, n -> n.put("version", "2")), at("\"version\"")),
                Arguments.of("missing trigger", with(VALID, n -> n.remove("trigger")), at("\"trigger\"")),
                Arguments.of(
                        "bad trigger",
                        with(VALID, n -> n.put("trigger", "bad-delivery")),
                        at("\"trigger\"", "bad-delivery")),
                Arguments.of("missing route", with(VALID, n -> n.remove("route")), at("\"route\"")),
                Arguments.of("bad route", with(VALID, n -> n.put("route", "EMAIL")), at("\"route\"", "EMAIL")),
                Arguments.of("enabled not boolean", with(VALID, n -> n.put("enabled", "yes")), at("\"enabled\"")),
                Arguments.of("missing reason", with(VALID, n -> n.remove("reason")), at("\"reason\"", "required")),
                Arguments.of("blank action", with(VALID, n -> n.put("action", " ")), at("\"action\"", "required")),
                Arguments.of(
                        "bad cooldown", with(VALID, n -> n.put("cooldown", "a week")), at("\"cooldown\"", "a week")),
                Arguments.of(
                        "cooldown beyond a Duration",
                        with(VALID, n -> n.put("cooldown", "999999999999999999 d")),
                        at("\"cooldown\"")),
                Arguments.of(
                        "cooldown beyond a long",
                        with(VALID, n -> n.put("cooldown", "99999999999999999999 ms")),
                        at("\"cooldown\"")),
                Arguments.of(
                        "cooldown over max-window",
                        with(VALID, n -> n.put("cooldown", "40 d")),
                        at("\"cooldown\" 40 d", "rules.max-window 31 d")),
                Arguments.of(
                        "bad effectiveFrom",
                        with(VALID, n -> n.put("effectiveFrom", "yesterday")),
                        at("\"effectiveFrom\"", "yesterday")),
                Arguments.of("missing pattern", with(VALID, n -> n.remove("pattern")), at("\"pattern\"")),
                Arguments.of(
                        "unknown kind", with(VALID, n -> pattern(n).put("kind", "window")), at("\"kind\"", "window")),
                Arguments.of(
                        "unknown pattern field",
                        with(VALID, n -> pattern(n).put("missing", "true")),
                        at("(count)", "unknown field \"missing\"")),
                Arguments.of("missing when", with(VALID, n -> pattern(n).remove("when")), at("(count)", "\"when\"")),
                Arguments.of(
                        "bad within",
                        with(VALID, n -> pattern(n).put("within", "30 days please")),
                        at("(count)", "\"within\"")),
                Arguments.of(
                        "missing within", with(VALID, n -> pattern(n).remove("within")), at("(count)", "\"within\"")),
                Arguments.of(
                        "zero within", with(VALID, n -> pattern(n).put("within", "0 s")), at("(count)", "\"within\"")),
                Arguments.of(
                        "within over max-window",
                        with(VALID, n -> pattern(n).put("within", "32 d")),
                        at("(count)", "\"within\"", "rules.max-window")),
                Arguments.of("count 0", with(VALID, n -> pattern(n).put("count", 0)), at("(count)", "\"count\"")),
                Arguments.of("count 101", with(VALID, n -> pattern(n).put("count", 101)), at("(count)", "\"count\"")),
                Arguments.of(
                        "count as text", with(VALID, n -> pattern(n).put("count", "2")), at("(count)", "\"count\"")),
                Arguments.of(
                        "count beyond int",
                        with(VALID, n -> pattern(n).put("count", 4_294_967_298L)),
                        at("(count)", "\"count\"")),
                Arguments.of("missing count", with(VALID, n -> pattern(n).remove("count")), at("(count)", "\"count\"")),
                Arguments.of(
                        "consecutive not boolean",
                        with(VALID, n -> pattern(n).put("consecutive", 1)),
                        at("\"consecutive\"")),
                Arguments.of(
                        "over-long condition",
                        with(VALID, n -> pattern(n).put("when", "true" + " ".repeat(RuleLimits.MAX_EXPRESSION_LENGTH))),
                        at("(count)", "\"when\"", "longer than")),
                Arguments.of(
                        "over-long priority",
                        with(VALID, n -> n.put("priority", "'P1'" + " ".repeat(RuleLimits.MAX_EXPRESSION_LENGTH))),
                        at("\"priority\"", "longer than")),
                Arguments.of(
                        "over-long template",
                        with(VALID, n -> n.put("reason", "x".repeat(RuleLimits.MAX_TEMPLATE_LENGTH + 1))),
                        at("\"reason\"", "longer than")),
                Arguments.of(
                        "unknown placeholder",
                        with(VALID, n -> n.put("action", "Call {customerName}")),
                        at("\"action\"", "{customerName}")),
                Arguments.of(
                        "absence without missing",
                        "{\"id\":\"a\",\"version\":1,\"trigger\":\"A\",\"route\":\"MARKETING\",\"reason\":\"r\","
                                + "\"action\":\"a\",\"pattern\":{\"kind\":\"absence\",\"when\":\"true\",\"within\":\"1 h\"}}",
                        new String[] {"rule a", "(absence)", "\"missing\""}),
                Arguments.of(
                        "sequence without then",
                        "{\"id\":\"s\",\"version\":1,\"trigger\":\"S\",\"route\":\"MARKETING\",\"reason\":\"r\","
                                + "\"action\":\"a\",\"pattern\":{\"kind\":\"sequence\",\"first\":\"true\",\"within\":\"1 h\"}}",
                        new String[] {"rule s", "(sequence)", "\"then\""}),
                Arguments.of(
                        "single with a window",
                        "{\"id\":\"x\",\"version\":1,\"trigger\":\"X\",\"route\":\"MARKETING\",\"reason\":\"r\","
                                + "\"action\":\"a\",\"pattern\":{\"kind\":\"single\",\"when\":\"true\",\"within\":\"1 h\"}}",
                        new String[] {"rule x", "(single)", "unknown field \"within\""}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRules")
    void rejectsNamingTheRuleAndTheField(String what, String json, String[] words) {
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOf(RuleException.class)
                .message()
                .contains(words);
    }

    @Test
    void aSmallerMaxWindowRejectsWhatTheDefaultAccepts() throws Exception {
        RuleParser strict = new RuleParser(new RuleLimits(100, Duration.ofDays(7), 16), DEFAULT_COOLDOWN);
        String json = with(VALID, n -> n.put("cooldown", "1 d"));

        assertThat(parser.parse(json).pattern.within).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> strict.parse(json))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("rule csat-delivery")
                .hasMessageContaining("\"within\"")
                .hasMessageContaining("rules.max-window 7 d");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("not JSON", "{\"schema\":1,", "not valid JSON"),
                Arguments.of("an array", "[]", "\"schema\""),
                Arguments.of("no schema", "{\"rules\":[]}", "\"schema\" must be 1"),
                Arguments.of("schema 2", "{\"schema\":2,\"rules\":[]}", "\"schema\" must be 1"),
                Arguments.of("schema as text", "{\"schema\":\"1\",\"rules\":[]}", "\"schema\" must be 1"),
                Arguments.of("no rules", "{\"schema\":1}", "\"rules\" must be an array"),
                Arguments.of("unknown field", "{\"schema\":1,\"rules\":[],\"version\":1}", "unknown field \"version\""),
                Arguments.of(
                        "a bad rule",
                        "{\"schema\":1,\"rules\":[" + VALID + "," + with(VALID, n -> n.put("route", "SMS")) + "]}",
                        "rule csat-delivery: \"route\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsABadFile(String what, String json, String words) {
        assertThatThrownBy(() -> parser.parseFile(json))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining(words);
    }

    private static String[] at(String... words) {
        String[] all = new String[words.length + 1];
        all[0] = "rule csat-delivery";
        System.arraycopy(words, 0, all, 1, words.length);
        return all;
    }

    private static ObjectNode pattern(ObjectNode rule) {
        return (ObjectNode) rule.get("pattern");
    }

    interface Change {
        void apply(ObjectNode rule);
    }

    /** The rule JSON with one change. */
    static String with(String json, Change change) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(json);
            change.apply(node);
            return node.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
