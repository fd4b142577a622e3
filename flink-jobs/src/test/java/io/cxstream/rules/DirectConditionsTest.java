package io.cxstream.rules;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.RuleMark;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.NpsCategory;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions evaluated by plain Java ({@link DirectConditions}) decide as CEL does: random expressions
 * of the subset against random events (odd case, non-ASCII, empty strings, a journey or none, scores
 * absent), and the expressions outside it stay with CEL.
 */
class DirectConditionsTest {
    /** Every declared string and int variable. */
    private static final String[] STRINGS = declared(SimpleType.STRING);

    private static final String[] INTS = declared(SimpleType.INT);

    /** Few words, so that events and expressions meet often: case variants, non-ASCII capitals, parts of others. */
    private static final String[] WORDS = {
        "", "ERROR", "error", "Checkout", "checkout", "heck", "out", "Ünïcode", "ünïcode", "WEB", "LOYAL", "NPS"
    };

    /** Attribute keys: two that the expressions name often, one in another case, the empty key and a word. */
    private static final String[] KEYS = {"plan", "code", "Plan", "", "ERROR"};

    private static final long[] NUMBERS = {-1, 0, 1, 2, 3, 5, 6, 7, 9, 10, 50, 70, 100, -100, Long.MAX_VALUE};
    private static final String[] OPS = {"==", "!=", "<", "<=", ">", ">="};

    private final Conditions conditions = new Conditions();
    private final EventVariables vars = new EventVariables();

    @Test
    void randomExpressionsOfTheSubsetDecideAsCelDoes() throws Exception {
        Random random = new Random(20261201L);
        List<JourneyEvent> events = randomEvents(random);
        List<Map<String, String>> attributes = randomAttributes(random, events.size());
        int matched = 0;
        int errors = 0;
        int checked = 0;
        for (int i = 0; i < 1000; i++) {
            String expression = expression(random, 3);
            Condition c = conditions.condition(expression, "rule r v1 \"when\"");
            // CEL's answer to an expression and to its negation are both "no match" only when it is an error.
            Condition not = conditions.condition("!(" + expression + ")", "rule r v1 \"when\"");
            assertThat(c.direct()).as(expression).isTrue();
            for (int j = 0; j < events.size(); j++) {
                JourneyEvent e = events.get(j);
                boolean cel = c.testWithCel(vars.of(e, attributes.get(j)));
                boolean celNot = not.testWithCel(vars.of(e, attributes.get(j)));
                assertThat(c.test(vars.of(e, attributes.get(j))))
                        .as("%s on %s %s", expression, e, attributes.get(j))
                        .isEqualTo(cel);
                assertThat(not.test(vars.of(e, attributes.get(j))))
                        .as("!(%s) on %s %s", expression, e, attributes.get(j))
                        .isEqualTo(celNot);
                RuleMark mark = mark(e);
                assertThat(c.test(vars.of(mark)))
                        .as("%s on mark %s", expression, mark)
                        .isEqualTo(c.testWithCel(vars.of(mark)));
                matched += cel ? 1 : 0;
                errors += !cel && !celNot ? 1 : 0;
                checked++;
            }
        }
        // Every outcome is well represented: the comparison is not between two constant answers, and
        // errors (missing attributes) reach the top often enough to test how they spread.
        assertThat(matched).isBetween(checked / 10, checked * 9 / 10);
        assertThat(errors).isBetween(checked / 50, checked / 2);
    }

    @Test
    void randomPriorityExpressionsGiveWhatCelGives() throws Exception {
        Random random = new Random(1201L);
        List<JourneyEvent> events = randomEvents(random);
        java.util.Set<String> answers = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            String expression = text(random, 2);
            Condition c = conditions.text(expression, "rule r v1 \"priority\"");
            assertThat(c.direct()).as(expression).isTrue();
            List<Map<String, String>> attributes = randomAttributes(random, events.size());
            for (int j = 0; j < events.size(); j++) {
                JourneyEvent e = events.get(j);
                String cel = c.textWithCel(vars.of(e, attributes.get(j)));
                assertThat(c.text(vars.of(e, attributes.get(j))))
                        .as("%s on %s %s", expression, e, attributes.get(j))
                        .isEqualTo(cel);
                answers.add(cel);
            }
        }
        // null: an error (a missing attribute)
        assertThat(answers).contains("P1", "P2", "P3", "", null).hasSizeGreaterThan(6);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " -> ",
            quoteCharacter = '"',
            value = {
                "event.attributes['plan'] == 'gold' -> false", // a missing key is an error: no match
                "!(event.attributes['plan'] == 'gold') -> false", // still an error
                "event.attributes['plan'] == 'gold' || event.score >= 0 -> true", // || absorbs it
                "event.attributes['plan'] != 'gold' && event.score < 0 -> false", // && too
                "'plan' in event.attributes && event.attributes['plan'] == 'gold' -> false", // the guard
                "!('plan' in event.attributes) -> true",
                "event.attributes.code == 'E42' -> true",
                "event.attributes['code'].lowerAscii().startsWith('e4') -> true",
                "(event.attributes['plan'] == 'gold' ? 'P1' : 'P2') == 'P2' -> false",
            })
    void attributeLookupsAreEvaluatedWithoutCelWithCelsErrors(String expression, boolean expected) throws Exception {
        Condition c = conditions.condition(expression, "rule r v1 \"when\"");
        assertThat(c.direct()).isTrue();
        JourneyEvent e = ConditionsTest.error();
        assertThat(c.test(vars.of(e, Map.of("code", "E42")))).isEqualTo(expected);
        assertThat(c.testWithCel(vars.of(e, Map.of("code", "E42")))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "'WEB:checkout' in journey.recentTouchpoints",
                "size(journey.recentTouchpoints) > 2",
                "event.type < 'M'", // string order: code points in CEL
                "event.score + 1 > 5",
                "event.touchpoint.upperAscii() == 'CHECKOUT'",
                "event.attributes['plan'] < 'm'",
                "size(event.attributes) > 1",
                "event.touchpoint.matches('^check')",
            })
    void theRestStaysWithCel(String expression) throws Exception {
        Condition c = conditions.condition(expression, "rule r v1 \"when\"");
        assertThat(c.direct()).isFalse();
        JourneyEvent e = ConditionsTest.error();
        assertThat(c.test(vars.of(e, Map.of("plan", "gold"))))
                .isEqualTo(c.testWithCel(vars.of(e, Map.of("plan", "gold"))));
    }

    @Test
    void theShippedAndBenchmarkRulesAreEvaluatedWithoutCel() throws Exception {
        RuleParser parser = new RuleParser(RuleLimits.defaults(), Duration.ofHours(24));
        List<Rule> rules = new ArrayList<>();
        for (String json : DefaultRules.load(DefaultRulesTest.config(Map.of()))) {
            rules.add(parser.parse(json));
        }
        Path benchmarks =
                Path.of("").toAbsolutePath().resolve("../benchmarks/rules").normalize();
        rules.addAll(parser.parseFile(Files.readString(benchmarks.resolve("fifty-rules.json"))));
        rules.addAll(parser.parseFile(Files.readString(benchmarks.resolve("fifty-quiet-rules.json"))));
        rules.addAll(parser.parseFile(Files.readString(benchmarks.resolve("fifty-quiet-attributes.json"))));
        List<String> withCel = new ArrayList<>();
        for (Rule rule : rules) {
            CompiledRule r = CompiledRule.compile(rule, conditions);
            List<Condition> all = new ArrayList<>(List.of(r.when));
            if (r.other != null) {
                all.add(r.other);
            }
            if (r.priorityExpression != null) {
                all.add(r.priorityExpression);
            }
            for (Condition c : all) {
                if (!c.direct()) {
                    withCel.add(rule.id + ": " + c.source);
                }
            }
        }
        assertThat(rules).hasSize(155);
        assertThat(withCel).isEmpty();
    }

    @Test
    void lowerAsciiLeavesEverythingButAToZAsItIs() {
        assertThat(DirectConditions.lowerAscii("Käse-CHECKOUT Ä")).isEqualTo("käse-checkout Ä");
        String unchanged = "already lower ü";
        assertThat(DirectConditions.lowerAscii(unchanged)).isSameAs(unchanged);
    }

    private static String expression(Random r, int depth) {
        if (depth > 0 && r.nextInt(3) > 0) {
            switch (r.nextInt(4)) {
                case 0:
                    return "(" + expression(r, depth - 1) + " && " + expression(r, depth - 1) + ")";
                case 1:
                    return "(" + expression(r, depth - 1) + " || " + expression(r, depth - 1) + ")";
                case 2:
                    return "(" + expression(r, depth - 1) + " ? " + expression(r, depth - 1) + " : "
                            + expression(r, depth - 1) + ")";
                default:
                    return "!(" + expression(r, depth - 1) + ")";
            }
        }
        switch (r.nextInt(9)) {
            case 0:
                return pick(r, INTS) + " " + pick(r, OPS) + " " + pick(r, NUMBERS);
            case 1:
                return pick(r, NUMBERS) + " " + pick(r, OPS) + " " + pick(r, INTS);
            case 2:
                return pick(r, INTS) + " " + pick(r, OPS) + " " + pick(r, INTS);
            case 3:
                return stringOperand(r) + (r.nextBoolean() ? " == " : " != ") + quoted(pick(r, WORDS));
            case 4:
                return quoted(pick(r, WORDS)) + (r.nextBoolean() ? " == " : " != ") + stringOperand(r);
            case 5:
                return r.nextInt(3) == 0
                        ? (r.nextBoolean() ? quoted(pick(r, KEYS)) : stringOperand(r)) + " in event.attributes"
                        : stringOperand(r) + " in [" + quoted(pick(r, WORDS)) + ", " + quoted(pick(r, WORDS)) + "]";
            case 6:
                return pick(r, INTS) + " in [" + pick(r, NUMBERS) + ", " + pick(r, NUMBERS) + "]";
            case 7:
                return stringOperand(r) + "." + pick(r, new String[] {"startsWith", "endsWith", "contains"}) + "("
                        + (r.nextInt(4) == 0 ? stringOperand(r) : quoted(pick(r, WORDS))) + ")";
            default:
                return r.nextBoolean() ? "true" : stringOperand(r) + " == " + stringOperand(r);
        }
    }

    private static String text(Random r, int depth) {
        if (depth > 0 && r.nextInt(4) > 0) {
            return "(" + expression(r, 1) + ") ? (" + text(r, depth - 1) + ") : (" + text(r, depth - 1) + ")";
        }
        return r.nextInt(3) > 0 ? quoted("P" + (1 + r.nextInt(4))) : stringOperand(r);
    }

    private static String stringOperand(Random r) {
        String v;
        switch (r.nextInt(8)) {
            case 0:
                v = "event.attributes['" + pick(r, KEYS) + "']";
                break;
            case 1:
                v = "event.attributes." + pick(r, new String[] {"plan", "code"});
                break;
            case 2:
                v = "event.attributes[" + pick(r, STRINGS) + "]"; // a key that is a variable
                break;
            default:
                v = pick(r, STRINGS);
        }
        return r.nextInt(3) == 0 ? v + ".lowerAscii()" : v;
    }

    /** Attribute maps beside the events: none, empty, or a few of {@link #KEYS} with {@link #WORDS} values. */
    private static List<Map<String, String>> randomAttributes(Random r, int n) {
        List<Map<String, String>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> attributes = r.nextInt(5) == 0 ? null : new java.util.HashMap<>();
            for (int k = r.nextInt(4); attributes != null && k > 0; k--) {
                attributes.put(pick(r, KEYS), pick(r, WORDS));
            }
            all.add(attributes);
        }
        return all;
    }

    private static String quoted(String s) {
        return "'" + s + "'";
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static String pick(Random r, long[] from) {
        return Long.toString(from[r.nextInt(from.length)]);
    }

    private static List<JourneyEvent> randomEvents(Random r) {
        List<JourneyEvent> events = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            events.add(randomEvent(r));
        }
        return events;
    }

    private static JourneyEvent randomEvent(Random r) {
        JourneyEvent e = new JourneyEvent();
        e.customerId = "c-" + r.nextInt(10);
        e.eventId = "e-" + r.nextInt(1000);
        e.eventTime = r.nextInt(1_000_000);
        if (r.nextBoolean()) {
            e.interactionType = InteractionType.values()[r.nextInt(InteractionType.values().length)];
        } else {
            e.metric = FeedbackMetric.values()[r.nextInt(FeedbackMetric.values().length)];
            e.score = r.nextInt(12) - 1;
            e.normalizedScore = r.nextInt(101);
            e.npsCategory = NpsCategory.values()[r.nextInt(NpsCategory.values().length)];
        }
        e.channel = r.nextInt(5) == 0 ? null : Channel.values()[r.nextInt(Channel.values().length)];
        e.touchpoint = r.nextInt(5) == 0 ? null : WORDS[r.nextInt(WORDS.length)];
        e.agentId = r.nextInt(3) == 0 ? null : WORDS[r.nextInt(WORDS.length)];
        if (r.nextInt(4) > 0) {
            e.snapshot = JourneySnapshot.newBuilder()
                    .setStage(JourneyStage.values()[r.nextInt(JourneyStage.values().length)])
                    .setSegment(r.nextBoolean() ? "LOYAL" : WORDS[r.nextInt(WORDS.length)])
                    .setChurnRisk(r.nextInt(101))
                    .setLastNps(r.nextInt(3) == 0 ? null : r.nextInt(11))
                    .setLastCsat(r.nextInt(3) == 0 ? null : 1 + r.nextInt(5))
                    .setLastCes(r.nextInt(3) == 0 ? null : 1 + r.nextInt(7))
                    .setRecentTouchpoints(List.of("WEB:checkout"))
                    .build();
        }
        return e;
    }

    private static RuleMark mark(JourneyEvent e) {
        return Findings.mark(e, true);
    }

    private static String[] declared(CelType type) {
        return Conditions.VARIABLES.entrySet().stream()
                .filter(v -> v.getValue().equals(type))
                .map(Map.Entry::getKey)
                .toArray(String[]::new);
    }
}
