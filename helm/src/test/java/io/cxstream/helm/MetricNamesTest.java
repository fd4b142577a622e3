package io.cxstream.helm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No job metric appears in the folded form of Flink's Prometheus reporter, which puts the keys of the job's metric
 * groups and Flink's scope into the name ({@code flink_taskmanager_job_task_operator_input_type_cx_events_in}):
 * not in the rendered chart (PrometheusRule, dashboard, NOTES), its values, dashboard or README, nor in the docs/ pages or the
 * repository's README. The job's metrics are exported by cx-stream's own reporter as {@code cx_*}.
 */
class MetricNamesTest {
    /** A cx_ metric name glued to a prefix: the folded form. */
    private static final Pattern FOLDED = Pattern.compile("[A-Za-z0-9]_cx_[a-z]");

    @Test
    void theRenderedChartUsesNoFoldedJobMetricName() {
        String rendered = HelmChart.renderText("""
                metrics:
                  podMonitor: {enabled: true}
                  prometheusRule: {enabled: true}
                  dashboard: {enabled: true}
                """);
        assertThat(rendered).contains("cx_alert_latency_seconds_bucket", "cx_dead_letters_total", "cx_events_in_total");
        assertNoFoldedName("rendered chart", rendered);
        assertNoFoldedName("NOTES.txt", HelmChart.installOutput("metrics: {podMonitor: {enabled: true}}"));
    }

    @Test
    void theChartsFilesAndTheReadmesUseNoFoldedJobMetricName() throws IOException {
        Path repo = HelmChart.DIR.resolve("..").resolve("..").normalize();
        List<Path> files = new ArrayList<>(List.of(
                HelmChart.DIR.resolve("values.yaml"),
                HelmChart.DIR.resolve("README.md"),
                HelmChart.DIR.resolve("dashboards").resolve("cx-stream.json"),
                repo.resolve("README.md"),
                repo.resolve("docs").resolve("metrics.md")));
        try (Stream<Path> docs = Files.list(repo.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).forEach(files::add);
        }
        for (Path file : files) {
            assertThat(file).exists();
            assertNoFoldedName(file.toString(), Files.readString(file));
        }
    }

    private static void assertNoFoldedName(String where, String text) {
        Matcher m = FOLDED.matcher(text);
        if (m.find()) {
            int from = Math.max(0, m.start() - 60);
            throw new AssertionError(where + " uses a folded job metric name: …"
                    + text.substring(from, Math.min(text.length(), m.end() + 40)) + "…");
        }
    }
}
