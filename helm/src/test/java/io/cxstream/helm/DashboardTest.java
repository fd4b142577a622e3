package io.cxstream.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.cxstream.helm.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard ConfigMap: labelled for the sidecar, valid JSON, and built on the configured metrics. */
class DashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode dashboard(Map<String, Object> configMap) throws Exception {
        String json = Manifests.key(configMap, "data", "cx-stream.json");
        assertThat(json).as("data.cx-stream.json").isNotBlank();
        return JSON.readTree(json);
    }

    private static List<String> expressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        dashboard
                .path("panels")
                .forEach(p ->
                        p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        return exprs;
    }

    @Test
    void dashboardIsValidJsonWithThePanelsOperatorsNeed() throws Exception {
        Map<String, Object> configMap = HelmChart.render("""
                metrics:
                  dashboard:
                    enabled: true
                    namespace: monitoring
                    annotations: {grafana_folder: cx-stream}
                """).one("ConfigMap");

        assertThat((String) at(configMap, "metadata.labels.grafana_dashboard")).isEqualTo("1");
        assertThat((String) at(configMap, "metadata.namespace")).isEqualTo("monitoring");
        assertThat((String) at(configMap, "metadata.annotations.grafana_folder"))
                .isEqualTo("cx-stream");

        JsonNode dashboard = dashboard(configMap);
        assertThat(dashboard.path("title").asText()).isEqualTo("cx-stream (cx-prod/cx-stream)");
        assertThat(dashboard.path("uid").asText()).startsWith("cx-stream-").hasSizeLessThanOrEqualTo(40);
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));
        assertThat(titles)
                .contains(
                        "Throughput: events in by input and type",
                        "Consumer lag",
                        "Alert latency",
                        "Outreach emitted by trigger",
                        "Outreach suppressed by reason",
                        "Dead letters by reason",
                        "Checkpoints",
                        "State caches: hit rate and writes per read");

        List<String> exprs = expressions(dashboard);
        assertThat(exprs)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e)
                        .contains("namespace=\"cx-prod\", pod=~\"cx-stream-.*\"")
                        .doesNotContain("@@"));
        assertThat(String.join("\n", exprs))
                .contains(
                        "rate(cx_events_in_total{",
                        "rate(cx_outreach_emitted_total{",
                        "rate(cx_outreach_suppressed_total{",
                        "rate(cx_dead_letters_total{",
                        "rate(cx_late_events_total{",
                        "rate(cx_journey_cache_misses_total{",
                        "rate(cx_outreach_cache_hits_total{",
                        "rate(cx_voc_state_writes_total{",
                        "histogram_quantile(0.99, sum by (le) (rate(cx_alert_latency_seconds_bucket{",
                        "flink_taskmanager_job_task_operator_pendingRecords",
                        "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
                        "flink_jobmanager_job_lastCheckpointDuration");
    }

    @Test
    void metricNamesComeFromValues() throws Exception {
        Map<String, Object> configMap = HelmChart.render("""
                metrics:
                  names: {eventsIn: cx_records_in_total}
                  dashboard: {enabled: true}
                """).one("ConfigMap");

        String exprs = String.join("\n", expressions(dashboard(configMap)));
        assertThat(exprs).contains("rate(cx_records_in_total{").doesNotContain("cx_events_in");
    }

    /** The Voice-of-the-Customer panels read the gauges the voc-aggregate operator registers (io.cxstream.voc.VocGauges). */
    @Test
    void vocPanelsUseTheAggregateGauges() throws Exception {
        JsonNode dashboard = dashboard(HelmChart.render("""
                metrics:
                  dashboard: {enabled: true}
                """).one("ConfigMap"));
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));
        assertThat(titles)
                .contains(
                        "VoC: NPS by touchpoint (last hour)",
                        "VoC: NPS by channel and segment (last hour)",
                        "VoC: answers in the last hour by touchpoint",
                        "VoC: CSAT and CES (last hour, 0-100)");
        String exprs = String.join("\n", expressions(dashboard));
        assertThat(exprs)
                .contains(
                        "cx_nps{",
                        "cx_csat{",
                        "cx_ces{",
                        "cx_voc_answers{",
                        "cx_voc_folded_total{",
                        "dimension=\"touchpoint\"")
                .doesNotContain("channel_touchpoint_cx_nps")
                .doesNotContain("dimension_value_cx_");
        List<Integer> ids = new ArrayList<>();
        dashboard.path("panels").forEach(p -> ids.add(p.path("id").asInt()));
        assertThat(ids).doesNotHaveDuplicates();
    }
}
