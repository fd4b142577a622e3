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

    private static final long[] NUMBERS = {-1, 0, 1, 2, 3, 5, 6, 7, 9, 10, 50, 70, 100, -100, Long.MAX_VALUE};
    private static final String[] OPS = {"==", "!=", "<", "<=", ">", ">="};

    private final Conditions conditions = new Conditions();
    private final EventVariables vars = new EventVariables();

    @Test
    void randomExpressionsOfTheSubsetDecideAsCelDoes() throws Exception {
        Random random = new Random(20261201L);
        List<JourneyEvent> events = randomEvents(random);
        int matched = 0;
        int checked = 0;
        for (int i = 0; i < 1000; i++) {
            String expression = expression(random, 3);
            Condition c = conditions.condition(expression, "rule r v1 \"when\"");
            assertThat(c.direct()).as(expression).isTrue();
            for (JourneyEvent e : events) {
                boolean cel = c.testWithCel(vars.of(e, null));
                assertThat(c.test(vars.of(e, null)))
                        .as("%s on %s", expression, e)
                        .isEqualTo(cel);
                RuleMark mark = mark(e);
                assertThat(c.test(vars.of(mark)))
                        .as("%s on mark %s", expression, mark)
                        .isEqualTo(c.testWithCel(vars.of(mark)));
                matched += cel ? 1 : 0;
                checked++;
            }
        }
        // Both outcomes are well represented: the comparison is not between two constant answers.
        assertThat(matched).isBetween(checked / 10, checked * 9 / 10);
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
            for (JourneyEvent e : events) {
                String cel = c.textWithCel(vars.of(e, null));
                assertThat(c.text(vars.of(e, null)))
                        .as("%s on %s", expression, e)
                        .isEqualTo(cel);
                answers.add(cel);
            }
        }
        assertThat(answers).contains("P1", "P2", "P3", "").hasSizeGreaterThan(6);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "event.attributes['plan'] == 'gold'", // a missing key is an error, which && and || absorb
                "'WEB:checkout' in journey.recentTouchpoints",
                "size(journey.recentTouchpoints) > 2",
                "event.type < 'M'", // string order: code points in CEL
                "event.score + 1 > 5",
                "event.touchpoint.upperAscii() == 'CHECKOUT'",
                "event.score == 1 && event.attributes['plan'] == 'gold'",
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
        assertThat(rules).hasSize(105);
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
                return stringOperand(r) + " in [" + quoted(pick(r, WORDS)) + ", " + quoted(pick(r, WORDS)) + "]";
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
        String v = pick(r, STRINGS);
        return r.nextInt(3) == 0 ? v + ".lowerAscii()" : v;
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
