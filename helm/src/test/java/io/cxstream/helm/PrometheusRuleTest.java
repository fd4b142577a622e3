package io.cxstream.helm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static io.cxstream.helm.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PrometheusRule: the SRE alerts exist, take thresholds and metric names from the values, and are
 * valid, working Prometheus rules according to promtool (check rules, and the unit tests in
 * src/test/resources/promtool/cx-stream-alerts.test.yaml against the rendered rules).
 */
class PrometheusRuleTest {

    private static final String SELECTOR = "namespace=\"cx-prod\", pod=~\"cx-stream-.*\"";
    private static final String UNIT_TESTS = "promtool/cx-stream-alerts.test.yaml";

    private static Map<String, Object> rule;

    @BeforeAll
    static void render() {
        rule = HelmChart.render("metrics: {prometheusRule: {enabled: true}}").one("PrometheusRule");
    }

    static List<Map<String, Object>> rules(Map<String, Object> prometheusRule) {
        List<Map<String, Object>> groups = at(prometheusRule, "spec.groups");
        return groups.stream()
                .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
                .collect(Collectors.toList());
    }

    static Map<String, Object> alert(Map<String, Object> prometheusRule, String name) {
        return rules(prometheusRule).stream()
                .filter(r -> name.equals(r.get("alert")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert " + name));
    }

    @Test
    void alertsCoverLatencyLagDeadLettersCheckpointsRestartsAndDown() {
        assertThat((String) at(rule, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rules(rule))
                .extracting(r -> r.get("alert"))
                .containsExactly(
                        "CxStreamAlertLatencyHigh",
                        "CxStreamConsumerLagGrowing",
                        "CxStreamDeadLetterRateHigh",
                        "CxStreamCheckpointsFailing",
                        "CxStreamJobRestarting",
                        "CxStreamJobDown");
        assertThat(rules(rule)).allSatisfy(r -> {
            assertThat((String) r.get("expr")).contains(SELECTOR);
            assertThat((String) at(r, "labels.severity")).isIn("warning", "critical");
            assertThat((String) at(r, "labels.cx_stream")).isEqualTo("cx-stream");
            assertThat((String) at(r, "annotations.summary")).isNotBlank();
        });

        assertThat((String) alert(rule, "CxStreamAlertLatencyHigh").get("expr"))
                .isEqualTo("histogram_quantile(0.99, sum by (namespace, le) (rate(cx_alert_latency_seconds_bucket{"
                        + SELECTOR + "}[5m]))) > 5");
        assertThat((String) alert(rule, "CxStreamConsumerLagGrowing").get("expr"))
                .contains("flink_taskmanager_job_task_operator_pendingRecords")
                .contains("deriv(");
        assertThat((String) alert(rule, "CxStreamDeadLetterRateHigh").get("expr"))
                .contains("rate(cx_dead_letters_total{");
        assertThat((String) alert(rule, "CxStreamCheckpointsFailing").get("expr"))
                .contains("flink_jobmanager_job_numberOfFailedCheckpoints");
        assertThat((String) alert(rule, "CxStreamJobRestarting").get("expr"))
                .contains("flink_jobmanager_job_numRestarts");
        assertThat((String) alert(rule, "CxStreamJobDown").get("expr")).contains("flink_jobmanager_numRunningJobs");
    }

    @Test
    void thresholdsNamesAndSwitchesComeFromValues() {
        Map<String, Object> custom = HelmChart.render("""
                metrics:
                  names:
                    alertLatency: cx_outreach_latency_seconds
                    consumerLag: flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max
                  selector: 'job="flink"'
                  prometheusRule:
                    enabled: true
                    alertLabels: {team: cx}
                    runbookBaseUrl: https://runbooks.example/cx
                    alerts:
                      alertLatencyHigh: {thresholdSeconds: 1.5, window: 2m, for: 3m}
                      deadLetterRate: {enabled: false}
                """).one("PrometheusRule");

        Map<String, Object> latency = alert(custom, "CxStreamAlertLatencyHigh");
        assertThat((String) latency.get("expr"))
                .contains("rate(cx_outreach_latency_seconds_bucket{job=\"flink\"}[2m])")
                .endsWith("> 1.5");
        assertThat(latency.get("for")).isEqualTo("3m");
        assertThat((String) at(latency, "labels.team")).isEqualTo("cx");
        assertThat((String) at(latency, "annotations.runbook_url"))
                .isEqualTo("https://runbooks.example/cx#CxStreamAlertLatencyHigh");
        assertThat((String) alert(custom, "CxStreamConsumerLagGrowing").get("expr"))
                .contains("KafkaSourceReader_KafkaConsumer_records_lag_max{job=\"flink\"}");
        assertThat(rules(custom)).extracting(r -> r.get("alert")).doesNotContain("CxStreamDeadLetterRateHigh");
    }

    @Test
    void promtoolAcceptsTheRules(@TempDir Path dir) throws IOException {
        Path promtool = Promtool.require();
        writeRules(dir);

        Promtool.Result result = Promtool.run(promtool, dir, "check", "rules", "rules.yaml");

        assertThat(result.exitCode())
                .as("promtool check rules:\n%s", result.output())
                .isZero();
        assertThat(result.output()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void promtoolUnitTestsFireTheAlertsOnTheirSeries(@TempDir Path dir) throws IOException {
        Path promtool = Promtool.require();
        writeRules(dir);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(UNIT_TESTS)) {
            Files.copy(
                    Objects.requireNonNull(in, UNIT_TESTS),
                    dir.resolve("alerts.test.yaml"),
                    StandardCopyOption.REPLACE_EXISTING);
        }

        Promtool.Result result = Promtool.run(promtool, dir, "test", "rules", "alerts.test.yaml");

        assertThat(result.exitCode())
                .as("promtool test rules:\n%s", result.output())
                .isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    /** The rendered PrometheusRule's groups as a plain Prometheus rules file. */
    private static void writeRules(Path dir) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        String yaml = new Yaml(options).dump(Map.of("groups", at(rule, "spec.groups")));
        Files.writeString(dir.resolve("rules.yaml"), yaml);
    }
}
