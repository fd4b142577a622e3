package io.cxstream;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.local.PrometheusReporterSettings;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.ExternalTool;
import io.cxstream.testing.FreePort;
import io.cxstream.testing.Poll;
import io.cxstream.testing.PrometheusServer;
import io.cxstream.testing.PrometheusText;
import io.cxstream.testing.SharedKafkaBroker;
import io.cxstream.testing.TestKafkaClient;
import io.cxstream.testing.WatermarkTicker;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The job's own metrics through Flink's real Prometheus reporter into a real Prometheus server.
 *
 * <p>The job runs on a local environment (its own MiniCluster, parallelism 2) with the reporter on a
 * free port, exactly as {@code ./cx demo --metrics-port} configures it. Known events go in; the test
 * scrapes {@code /metrics}, lints our {@code cx_*} families with {@code promtool check metrics} (only those:
 * Flink's own families fail promtool's naming lint, which is not ours to fix; ours must pass clean),
 * then starts the
 * {@code prometheus} binary scraping every second and asserts with PromQL on counters and on
 * Voice-of-Customer gauges predicted from the events. Skipped with a message when the Debian package
 * prometheus is missing; under {@code CI=true} that fails instead.
 */
class PrometheusITCase {
    private static final String PREFIX = "flink_taskmanager_job_task_operator_";
    // Flink's reporter puts the keys of key/value metric groups into the name, in registration order.
    private static final String OUTREACH_EMITTED = PREFIX + "trigger_route_cx_outreach_emitted";
    private static final String OUTREACH_SUPPRESSED = PREFIX + "reason_trigger_route_cx_outreach_suppressed";
    private static final String DEAD_LETTERS = PREFIX + "reason_cx_dead_letters";
    private static final String NPS = PREFIX + "dimension_value_cx_nps";
    private static final String CSAT = PREFIX + "dimension_value_cx_csat";
    // The VoC gauges come from the aggregates of a minute, emitted when the watermark passes its end: up to 60 s.
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @RegisterExtension
    static final SharedKafkaBroker KAFKA = new SharedKafkaBroker();

    private static Path prometheus;
    private static Path promtool;

    @BeforeAll
    static void tools() {
        Optional<Path> server = ExternalTool.find("prometheus");
        Optional<Path> lint = ExternalTool.find("promtool");
        boolean present = server.isPresent() && lint.isPresent();
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("prometheus/promtool are not installed, and CI=true: .ci/run must install the Debian package prometheus");
        }
        if (!present) {
            System.err.println("PrometheusITCase SKIPPED: prometheus or promtool is not on PATH (apt-get install prometheus to run it)");
        }
        assumeTrue(present, "prometheus or promtool is not on PATH (apt-get install prometheus)");
        prometheus = server.get();
        promtool = lint.get();
    }

    @Test
    void customMetricsReachARealPrometheus(@TempDir Path workDir) throws Exception {
        CxTopics topics = new CxTopics(KAFKA);
        Map<String, String> settings = topics.jobSettings();
        settings.put("voc.min-sample", "1"); // a handful of answers; the gauges show no score below the minimum sample
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        int metricsPort = FreePort.find();
        Configuration flink = PrometheusReporterSettings.apply(CxJob.flinkConfiguration(config), metricsPort);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CxJob.onKafka(config).build(env);

        JobClient job = env.executeAsync("cx-stream-prometheus-it");
        try (TestKafkaClient kafka = new TestKafkaClient(KAFKA.bootstrapServers())) {
            sendKnownEvents(kafka, topics);
            try (WatermarkTicker ticker = new WatermarkTicker(kafka, topics.interactions, 200)) {
                List<OutreachEvent> outreach = kafka.readUntil(topics.contactCenter, OutreachEvent.class, WITHIN,
                        seen -> seen.size() >= 2);
                assertThat(outreach).as("the two detractors reach the contact center").hasSize(2);

                String scraped = Poll.until("the cx_ metrics on http://127.0.0.1:" + metricsPort + "/metrics (showing only cx_ families)",
                        WITHIN, () -> PrometheusText.familiesContaining(PrometheusText.scrape(metricsPort), "_cx_"),
                        text -> text.contains(NPS + "{") && text.contains(CSAT + "{") && text.contains(OUTREACH_SUPPRESSED + "{")
                                && text.contains(OUTREACH_EMITTED + "{") && text.contains(DEAD_LETTERS + "{"));
                assertThat(scraped).contains("dimension=\"touchpoint\"", "value=\"delivery\"", "reason=\"SCORE_OUT_OF_RANGE\"");
                assertThat(scraped).as("every job metric the Helm chart's alerts and dashboard use (helm/cx-stream/values.yaml metrics.names)")
                        .contains(helmChartJobMetricNames());
                promtoolAccepts(scraped);

                try (PrometheusServer server = new PrometheusServer(prometheus, metricsPort, workDir)) {
                    assertEventually(server, "sum(" + OUTREACH_EMITTED + "{trigger=\"DETRACTOR\"})", Map.of("{}", 2.0));
                    assertEventually(server, "sum by (reason) (" + DEAD_LETTERS + ")",
                            Map.of("{reason=SCORE_OUT_OF_RANGE}", 2.0, "{reason=UNRECOGNIZED_FORMAT}", 1.0));
                    assertEventually(server, "sum by (trigger, reason) (" + OUTREACH_SUPPRESSED + ")",
                            Map.of("{reason=consent, trigger=PROMOTER}", 2.0));
                    // Last-hour NPS (voc-aggregate): delivery 10, 3, 0 → (+100 -100 -100)/3; WEB 9, 8 → (+100 + 0)/2; overall 0.
                    assertEventually(server, NPS + "{dimension=\"touchpoint\",value=\"delivery\"}", -100.0 / 3);
                    assertEventually(server, NPS + "{dimension=\"channel\",value=\"WEB\"}", 50.0);
                    assertEventually(server, NPS + "{dimension=\"overall\",value=\"all\"}", 0.0);
                    // CSAT 5 and 2 → (100 + 25)/2
                    assertEventually(server, CSAT + "{dimension=\"channel\",value=\"EMAIL\"}", 62.5);
                }
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Two detractors, two promoters without marketing consent, a passive, two CSAT answers and three bad records. */
    private static void sendKnownEvents(TestKafkaClient kafka, CxTopics topics) {
        long t = System.currentTimeMillis();
        feedback(kafka, topics, "voc-detractor-1", t, FeedbackMetric.NPS, 3, Channel.EMAIL, "delivery");
        feedback(kafka, topics, "voc-detractor-2", t, FeedbackMetric.NPS, 0, Channel.EMAIL, "delivery");
        feedback(kafka, topics, "voc-promoter-1", t, FeedbackMetric.NPS, 10, Channel.EMAIL, "delivery");
        feedback(kafka, topics, "voc-promoter-2", t, FeedbackMetric.NPS, 9, Channel.WEB, "checkout");
        feedback(kafka, topics, "voc-passive", t, FeedbackMetric.NPS, 8, Channel.WEB, "checkout");
        feedback(kafka, topics, "voc-csat-1", t, FeedbackMetric.CSAT, 5, Channel.EMAIL, "delivery");
        feedback(kafka, topics, "voc-csat-2", t, FeedbackMetric.CSAT, 2, Channel.EMAIL, "delivery");
        kafka.send(topics.feedback, "bad", Events.feedback("bad-1", t, FeedbackMetric.NPS, 11), WireFormat.AVRO);
        kafka.send(topics.feedback, "bad", Events.feedback("bad-2", t, FeedbackMetric.NPS, -1), WireFormat.JSON);
        kafka.send(topics.interactions, "bad", "not a record".getBytes(StandardCharsets.UTF_8));
    }

    private static void feedback(TestKafkaClient kafka, CxTopics topics, String customer, long t, FeedbackMetric metric,
                                 int score, Channel channel, String touchpoint) {
        FeedbackEvent e = Events.feedback(customer, t, metric, score);
        e.setChannel(channel);
        e.setTouchpoint(touchpoint);
        kafka.send(topics.feedback, customer, e, WireFormat.AVRO);
    }

    private void promtoolAccepts(String cxFamilies) throws Exception {
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(cxFamilies.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finishes").isTrue();
        String context = String.format("promtool check metrics on our cx_ families (exit %d):%n%s%n--- input ---%n%s",
                p.exitValue(), output, cxFamilies);
        assertThat(p.exitValue()).as(context).isZero();
        assertThat(output).as(context).isBlank();
    }

    private static void assertEventually(PrometheusServer server, String promql, double expected) throws Exception {
        Poll.until("PromQL " + promql + " == " + expected + " (Prometheus log: " + server.logTail() + ")", WITHIN,
                () -> server.query(promql), r -> r.size() == 1 && Math.abs(r.values().iterator().next() - expected) < 0.01);
    }

    private static void assertEventually(PrometheusServer server, String promql, Map<String, Double> expected) throws Exception {
        Poll.until("PromQL " + promql + " == " + expected, WITHIN, () -> server.query(promql), expected::equals);
    }

    /** The chart's names of the job's own metrics (metrics.names entries with "cx_"), with the operator prefix. */
    static String[] helmChartJobMetricNames() throws java.io.IOException {
        java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("..", "helm", "cx-stream", "values.yaml"));
        String prefix = null;
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.regex.Pattern entry = java.util.regex.Pattern.compile("^\\s+(\\w+): (\\S+)\\s*$");
        for (String line : lines) {
            java.util.regex.Matcher m = entry.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (m.group(1).equals("operatorPrefix")) {
                prefix = m.group(2);
            } else if (prefix != null && m.group(2).contains("cx_") && !m.group(2).startsWith("flink_")) {
                names.add(prefix + m.group(2));
            }
        }
        assertThat(names).as("metrics.names in the chart").hasSizeGreaterThanOrEqualTo(6);
        return names.toArray(new String[0]);
    }
}
