package io.cxstream.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./cx rules validate}: the job's checks offline; and the shipped and documented rules pass them. */
class RulesCliTest {
    /** Surefire runs in the module directory. */
    private static final Path MODULE = Path.of("").toAbsolutePath();

    private static final Path SHIPPED = MODULE.resolve("src/main/resources/rules/default-rules.json");
    private static final Path EXAMPLES =
            MODULE.resolve("../docs/rules/examples").normalize();

    @Test
    void theShippedRulesAreValid() {
        Result r = run("validate", SHIPPED.toString());

        assertThat(r.status).as(r.output).isZero();
        assertThat(r.lines())
                .containsExactly(
                        "OK detractor v1 DETRACTOR single",
                        "OK payment-friction v1 PAYMENT_FRICTION count",
                        "OK repeat-contact v1 REPEAT_CONTACT count",
                        "OK error-then-abandon v1 ERROR_THEN_ABANDON absence",
                        "OK promoter v1 PROMOTER single",
                        "5 rules valid");
    }

    @Test
    void everyDocumentedExampleIsValid() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples =
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(examples).as("docs/rules/examples").hasSizeGreaterThanOrEqualTo(2);

        for (Path example : examples) {
            Result r = run("validate", example.toString());
            assertThat(r.status).as(example + ": " + r.output).isZero();
            assertThat(r.output).startsWith("OK ");
        }
        assertThat(run("validate", EXAMPLES.resolve("delivery-csat.json").toString())
                        .output
                        .trim())
                .isEqualTo("OK delivery-csat v1 DELIVERY_DISSATISFACTION count");
        assertThat(run(
                                "validate",
                                EXAMPLES.resolve("refund-then-detractor.json").toString())
                        .output
                        .trim())
                .isEqualTo("OK refund-then-detractor v1 REFUND_DETRACTOR sequence");
    }

    @Test
    void docsRulesMdShowsTheShippedFileAndTheExamplesAsTheyAre() throws IOException {
        String doc = Files.readString(EXAMPLES.resolve("../../rules.md").normalize());

        assertThat(doc).contains(Files.readString(SHIPPED).strip());
        assertThat(doc)
                .contains(
                        Files.readString(EXAMPLES.resolve("delivery-csat.json")).strip());
        assertThat(doc)
                .contains(Files.readString(EXAMPLES.resolve("refund-then-detractor.json"))
                        .strip());
        String detection =
                Files.readString(MODULE.resolve("../docs/detection.md").normalize());
        assertThat(detection)
                .as("docs/detection.md, Writing rules")
                .contains(
                        Files.readString(EXAMPLES.resolve("delivery-csat.json")).strip())
                .contains(Files.readString(EXAMPLES.resolve("refund-then-detractor.json"))
                        .strip());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "fifty-rules.json",
                "fifty-quiet-rules.json",
                "fifty-no-absences.json",
                "fifty-absences-only.json",
                "fifty-quiet-attributes.json"
            })
    void theBenchmarksFiftyRulesAreValid(String file) {
        Result r = run(
                "validate",
                MODULE.resolve("../benchmarks/rules/" + file).normalize().toString());

        assertThat(r.status).as(r.output).isZero();
        assertThat(r.lines()).hasSize(51).last().isEqualTo("50 rules valid");
    }

    @Test
    void theJobSettingsChangeTheLimits() {
        Result r = run("validate", EXAMPLES.resolve("delivery-csat.json").toString(), "--rules.max-window", "7 d");

        assertThat(r.status).isEqualTo(1);
        assertThat(r.output)
                .contains("ERROR rule delivery-csat (count): \"within\" 30 d is longer than rules.max-window 7 d");
    }

    @Test
    void aFileWithBadRulesNamesEachAndFails(@TempDir Path dir) throws IOException {
        String good =
                "{\"id\":\"good\",\"version\":1,\"trigger\":\"GOOD\",\"route\":\"MARKETING\",\"reason\":\"r\",\"action\":\"a\","
                        + "\"enabled\":false,\"pattern\":{\"kind\":\"single\",\"when\":\"event.score >= 9\"}}";
        String typeError = good.replace("\"good\"", "\"typed\"").replace("event.score >= 9", "event.score >= 'nine'");
        String unknownField = good.replace("\"good\"", "\"unknown\"").replace("\"reason\"", "\"reasons\"");
        Path file = Files.writeString(
                dir.resolve("rules.json"),
                "{\"schema\":1,\"rules\":[" + good + "," + typeError + "," + unknownField + "," + good + "]}");

        Result r = run("validate", file.toString());

        assertThat(r.status).isEqualTo(1);
        assertThat(r.lines()).hasSize(5);
        assertThat(r.lines().get(0)).isEqualTo("OK good v1 GOOD single (disabled)");
        assertThat(r.lines().get(1)).startsWith("ERROR rules[1]: rule typed v1 \"when\": ");
        assertThat(r.lines().get(2)).startsWith("ERROR rules[2]: rule unknown: unknown field \"reasons\"");
        assertThat(r.lines().get(3)).isEqualTo("ERROR rules[3]: rule good: \"id\" is used by more than one rule");
        assertThat(r.lines().get(4)).isEqualTo("3 error(s) in 4 rules");
    }

    @Test
    void aBadFileEnvelopeFails(@TempDir Path dir) throws IOException {
        Result schema = run(
                "validate",
                Files.writeString(dir.resolve("a.json"), "{\"schema\":2,\"rules\":[]}")
                        .toString());
        Result noRules = run(
                "validate",
                Files.writeString(dir.resolve("b.json"), "{\"schema\":1}").toString());
        Result setting = run(
                "validate",
                Files.writeString(dir.resolve("c.json"), "{\"schema\":1,\"rules\":[],\"x\":\"${nope}\"}")
                        .toString());

        assertThat(schema.status).isEqualTo(1);
        assertThat(schema.output).contains("\"schema\" must be 1");
        assertThat(noRules.status).isEqualTo(1);
        assertThat(noRules.output).contains("\"rules\" must be an array");
        assertThat(setting.status).isEqualTo(1);
        assertThat(setting.output).contains("rules.file").contains("${nope}");
    }

    @Test
    void tooManyEnabledRulesFail() {
        Result r = run("validate", SHIPPED.toString(), "--rules.max-active", "4");

        assertThat(r.status).isEqualTo(1);
        assertThat(r.output).contains("ERROR 5 rules are enabled, more than rules.max-active 4");
    }

    @Test
    void oneRuleAsPublished(@TempDir Path dir) throws IOException {
        String rule =
                "{\"id\":\"low-ces\",\"version\":4,\"trigger\":\"LOW_CES\",\"route\":\"CONTACT_CENTER\",\"reason\":\"CES {score}\","
                        + "\"action\":\"Call\",\"pattern\":{\"kind\":\"count\",\"when\":\"event.metric == 'CES' && event.score <= 2\",\"count\":3,\"within\":\"14 d\"}}";
        Path ok = Files.writeString(dir.resolve("ok.json"), rule);
        Path bad = Files.writeString(dir.resolve("bad.json"), rule.replace("event.score <= 2", "event.scor <= 2"));
        Path notJson = Files.writeString(dir.resolve("not.json"), "{\"id\": \"x\"");

        assertThat(run("validate", ok.toString())).satisfies(r -> {
            assertThat(r.status).isZero();
            assertThat(r.output.trim()).isEqualTo("OK low-ces v4 LOW_CES count");
        });
        assertThat(run("validate", bad.toString())).satisfies(r -> {
            assertThat(r.status).isEqualTo(1);
            assertThat(r.output).startsWith("ERROR rule low-ces v4 \"when\": ").contains("event.scor");
        });
        assertThat(run("validate", notJson.toString())).satisfies(r -> {
            assertThat(r.status).isEqualTo(1);
            assertThat(r.output).startsWith("ERROR rule: not valid JSON");
        });
    }

    @Test
    void usageErrors(@TempDir Path dir) {
        assertThat(run().status).isEqualTo(2);
        assertThat(run("check", SHIPPED.toString()).output).startsWith("usage: ./cx rules validate FILE");
        assertThat(run("validate", dir.resolve("missing.json").toString()).status)
                .isEqualTo(2);
        Result unknownKey = run("validate", SHIPPED.toString(), "--rules.max-windows", "7 d");
        assertThat(unknownKey.status).isEqualTo(2);
        assertThat(unknownKey.output).contains("rules.max-windows");
    }

    private static Result run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = RulesCli.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Result(status, bytes.toString(StandardCharsets.UTF_8));
    }

    record Result(int status, String output) {
        List<String> lines() {
            return new ArrayList<>(output.lines().toList());
        }
    }
}
