package io.cxstream;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;
import io.cxstream.config.CxConfig;
import io.cxstream.local.PrometheusReporterSettings;
import io.cxstream.metrics.BucketedHistogram;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.ExternalTool;
import io.cxstream.testing.FreePort;
import io.cxstream.testing.Poll;
import io.cxstream.testing.PrometheusServer;
import io.cxstream.testing.PrometheusText;
import io.cxstream.testing.SharedKafkaBroker;
import io.cxstream.testing.TestKafkaClient;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The job's metrics through cx-stream's own Prometheus reporter (module metrics-reporter) and Flink's system metrics
 * through Flink's, both into a real Prometheus server.
 *
 * <p>The job runs on a local environment (its own MiniCluster, parallelism 2) with both reporters on free ports,
 * exactly as {@code ./cx demo} configures them ({@link PrometheusReporterSettings}). Known events go in; the test
 * scrapes both endpoints, lints everything our reporter exports with {@code promtool check metrics}, and asserts with
 * PromQL on exact counter values and on Voice-of-Customer gauges predicted from the events. Then a few hundred
 * detractors, paced, each give an alert: a Kafka consumer of the outreach topics records each alert's latency
 * (received − last evidence time) in its own HdrHistogram, and the job-wide
 * {@code histogram_quantile(0.99, sum by (le) (rate(cx_alert_latency_seconds_bucket[1m])))} over both subtasks must
 * lie within one bucket of that p99. Skipped with a message when the Debian package prometheus is missing; under
 * {@code CI=true} that fails instead.
 */
class PrometheusITCase {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusITCase.class);
    // The VoC gauges come from the aggregates of a minute, emitted when the watermark passes its end: up to 60 s.
    private static final Duration WITHIN = Duration.ofSeconds(90);
    /** Alerts for the latency comparison: enough for a p99 that is not just the maximum. */
    private static final int LATENCY_ALERTS = 300;

    private static final long PACE_MILLIS = 40;
    private static final String JOB_WIDE_P99 =
            "histogram_quantile(0.99, sum by (le) (rate(cx_alert_latency_seconds_bucket[1m])))";

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
            fail(
                    "prometheus/promtool are not installed, and CI=true: .ci/run must install the Debian package prometheus");
        }
        if (!present) {
            LOG.warn(
                    "PrometheusITCase SKIPPED: prometheus or promtool is not on PATH (apt-get install prometheus to run it)");
        }
        assumeTrue(present, "prometheus or promtool is not on PATH (apt-get install prometheus)");
        prometheus = server.get();
        promtool = lint.get();
    }

    @Test
    void cleanNamesExactCountersAndAJobWideP99InARealPrometheus(@TempDir Path workDir) throws Exception {
        CxTopics topics = new CxTopics(KAFKA);
        Map<String, String> settings = topics.jobSettings();
        settings.put("voc.min-sample", "1"); // a handful of answers; the gauges show no score below the minimum sample
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        int cxPort = FreePort.find();
        int flinkPort = FreePort.find();
        Configuration flink = PrometheusReporterSettings.apply(CxJob.flinkConfiguration(config), cxPort, flinkPort);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CxJob.onKafka(config).build(env);

        JobClient job = env.executeAsync("cx-stream-prometheus-it");
        try (TestKafkaClient kafka = new TestKafkaClient(KAFKA.bootstrapServers());
                AlertClock alerts = new AlertClock(KAFKA.bootstrapServers(), topics.contactCenter, topics.marketing);
                PrometheusServer server = new PrometheusServer(prometheus, workDir, cxPort, flinkPort)) {
            // rate() must see the histograms at zero before the first alert: both subtasks' empty histograms scraped
            assertEventually(server, "count(cx_alert_latency_seconds_count)", Map.of("{}", 2.0));
            sendKnownEvents(kafka, topics);
            { // no filler ticker: a quiet input follows the job's clock
                Poll.until("the two detractors reach the contact center", WITHIN, alerts::count, n -> n >= 2);

                String scraped = Poll.until(
                        "the job's metrics on http://127.0.0.1:" + cxPort + "/metrics",
                        WITHIN,
                        () -> PrometheusText.scrape(cxPort),
                        text -> text.contains("cx_nps{")
                                && text.contains("cx_csat{")
                                && text.contains("cx_outreach_suppressed_total{")
                                && text.contains("cx_outreach_emitted_total{")
                                && text.contains("cx_dead_letters_total{"));
                assertThat(scraped)
                        .contains(
                                "# TYPE cx_events_in_total counter",
                                "# TYPE cx_alert_latency_seconds histogram",
                                "dimension=\"touchpoint\"",
                                "value=\"delivery\"",
                                "reason=\"SCORE_OUT_OF_RANGE\"");
                assertThat(scraped)
                        .as("label keys are labels, not part of the name")
                        .doesNotContainPattern("(?m)^(input|reason|trigger|channel)_\\w*cx_")
                        .doesNotContain("flink_taskmanager_job_task_operator_");
                for (String name : helmChartNames("cx_")) {
                    assertThat(scraped)
                            .as("job metric %s of the Helm chart's alerts and dashboard (metrics.names)", name)
                            .containsAnyOf(name + "{", name + "_bucket{");
                }
                promtoolAccepts(scraped);

                List<String> flinkNames = helmChartNames("flink_");
                String flinkScraped = Poll.until(
                        "Flink's system metrics the Helm chart uses " + flinkNames + ", on port " + flinkPort,
                        WITHIN,
                        () -> PrometheusText.scrape(flinkPort),
                        text -> flinkNames.stream().allMatch(n -> text.contains(n + "{") || text.contains(n + " ")));
                assertThat(PrometheusText.familiesContaining(flinkScraped, "cx_"))
                        .as("Flink's reporter leaves the job's metrics to ours (filter.excludes)")
                        .isBlank();

                assertEventually(server, "sum(cx_outreach_emitted_total{trigger=\"DETRACTOR\"})", Map.of("{}", 2.0));
                assertEventually(
                        server,
                        "sum by (reason) (cx_dead_letters_total)",
                        Map.of("{reason=SCORE_OUT_OF_RANGE}", 2.0, "{reason=UNRECOGNIZED_FORMAT}", 1.0));
                assertEventually(
                        server,
                        "sum by (trigger, reason) (cx_outreach_suppressed_total)",
                        Map.of("{reason=consent, trigger=PROMOTER}", 2.0));
                assertEventually(
                        server,
                        "sum by (input) (cx_records_in_total{input=\"feedback\"})",
                        Map.of("{input=feedback}", 9.0));
                // Last-hour NPS (voc-aggregate): delivery 10, 3, 0 → (+100 -100 -100)/3; WEB 9, 8 → (+100 + 0)/2;
                // overall 0.
                assertEventually(server, "cx_nps{dimension=\"touchpoint\",value=\"delivery\"}", -100.0 / 3);
                assertEventually(server, "cx_nps{dimension=\"channel\",value=\"WEB\"}", 50.0);
                assertEventually(server, "cx_nps{dimension=\"overall\",value=\"all\"}", 0.0);
                // CSAT 5 and 2 → (100 + 25)/2
                assertEventually(server, "cx_csat{dimension=\"channel\",value=\"EMAIL\"}", 62.5);

                sendPacedDetractors(kafka, topics);
                int expected = 2 + LATENCY_ALERTS;
                Poll.until(
                        expected + " alerts at the consumer",
                        Duration.ofSeconds(60),
                        alerts::count,
                        n -> n >= expected);
                assertEventually(server, "sum(cx_outreach_emitted_total{trigger=\"DETRACTOR\"})", Map.of("{}", (double)
                        expected));
                assertEventually(server, "sum(cx_alert_latency_seconds_count)", Map.of("{}", (double) expected));
                assertEventually(server, "count(cx_alert_latency_seconds_count > 0)", Map.of("{}", 2.0));

                double exported = Poll.until(
                                JOB_WIDE_P99,
                                WITHIN,
                                () -> server.query(JOB_WIDE_P99),
                                r -> r.size() == 1
                                        && !r.values().iterator().next().isNaN())
                        .values()
                        .iterator()
                        .next();
                org.HdrHistogram.Histogram measured = alerts.latencies();
                assertThat(measured.getTotalCount()).isEqualTo(expected);
                double harness = measured.getValueAtPercentile(99.0) / 1000.0;
                double[] bucket = bucketAround(harness);
                LOG.info(
                        "alert latency p99 over {} alerts: Prometheus (job-wide, sum by le) {} s, harness HdrHistogram {} s "
                                + "(p50 {} s, max {} s), bucket ({}, {}] s",
                        expected,
                        exported,
                        harness,
                        measured.getValueAtPercentile(50.0) / 1000.0,
                        measured.getMaxValue() / 1000.0,
                        bucket[0],
                        bucket[1]);
                assertThat(Math.abs(exported - harness))
                        .as(
                                "job-wide p99 from Prometheus %s s vs the harness's HdrHistogram p99 %s s: within the width of "
                                        + "its bucket (%s, %s]",
                                exported, harness, bucket[0], bucket[1])
                        .isLessThanOrEqualTo(bucket[1] - bucket[0]);
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

    /**
     * One detractor of a new customer every {@value #PACE_MILLIS} ms, stamped when sent, on a channel and touchpoint
     * of their own (the gauges asserted above keep their values). Pacing spreads the alerts over several
     * watermark steps, so their latencies differ as in a live run.
     */
    private static void sendPacedDetractors(TestKafkaClient kafka, CxTopics topics) {
        long next = System.nanoTime();
        for (int i = 0; i < LATENCY_ALERTS; i++) {
            feedback(
                    kafka,
                    topics,
                    "latency-" + i,
                    System.currentTimeMillis(),
                    FeedbackMetric.NPS,
                    i % 7,
                    Channel.CALL_CENTER,
                    "latency-probe");
            next += TimeUnit.MILLISECONDS.toNanos(PACE_MILLIS);
            LockSupport.parkNanos(next - System.nanoTime()); // pacing the load, not waiting for a result
        }
    }

    private static void feedback(
            TestKafkaClient kafka,
            CxTopics topics,
            String customer,
            long t,
            FeedbackMetric metric,
            int score,
            Channel channel,
            String touchpoint) {
        FeedbackEvent e = Events.feedback(customer, t, metric, score);
        e.setChannel(channel);
        e.setTouchpoint(touchpoint);
        kafka.send(topics.feedback, customer, e, WireFormat.AVRO);
    }

    /** The bucket of {@link BucketedHistogram#LATENCY_BOUNDS_MILLIS} holding {@code seconds}, as (lower, upper] in s. */
    private static double[] bucketAround(double seconds) {
        double lower = 0;
        for (long bound : BucketedHistogram.LATENCY_BOUNDS_MILLIS) {
            double upper = bound / 1000.0;
            if (seconds <= upper) {
                return new double[] {lower, upper};
            }
            lower = upper;
        }
        return new double[] {lower, Double.POSITIVE_INFINITY};
    }

    private void promtoolAccepts(String text) throws Exception {
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finishes").isTrue();
        String context = String.format(
                "promtool check metrics on everything cx-stream's reporter exports (exit %d):%n%s%n"
                        + "--- input ---%n%s",
                p.exitValue(), output, text);
        assertThat(p.exitValue()).as(context).isZero();
        assertThat(output).as(context).isBlank();
    }

    private static void assertEventually(PrometheusServer server, String promql, double expected) throws Exception {
        Poll.until(
                "PromQL " + promql + " == " + expected + " (Prometheus log: " + server.logTail() + ")",
                WITHIN,
                () -> server.query(promql),
                r -> r.size() == 1 && Math.abs(r.values().iterator().next() - expected) < 0.01);
    }

    private static void assertEventually(PrometheusServer server, String promql, Map<String, Double> expected)
            throws Exception {
        Poll.until("PromQL " + promql + " == " + expected, WITHIN, () -> server.query(promql), expected::equals);
    }

    /** The names in the Helm chart's metrics.names (values.yaml) that start with {@code prefix}. */
    static List<String> helmChartNames(String prefix) throws IOException {
        Pattern entry = Pattern.compile("^\\s+\\w+: (\\S+)\\s*$");
        List<String> names = new ArrayList<>();
        boolean inNames = false;
        for (String line : Files.readAllLines(Path.of("..", "helm", "cx-stream", "values.yaml"))) {
            if (line.matches("^  names:\\s*$")) {
                inNames = true;
                continue;
            }
            if (inNames && line.matches("^  \\S.*")) {
                break;
            }
            Matcher m = entry.matcher(line);
            if (inNames && m.matches() && m.group(1).startsWith(prefix)) {
                names.add(m.group(1));
            }
        }
        assertThat(names)
                .as("metrics.names starting with %s in the chart", prefix)
                .isNotEmpty();
        return names;
    }

    /**
     * Reads both outreach topics (read_committed) from the start in its own thread, and records for each alert the
     * time it was received minus its last evidence time, in ms, in an HdrHistogram (3 significant digits), as the
     * benchmark harness does.
     */
    private static final class AlertClock implements AutoCloseable {
        private final org.HdrHistogram.Histogram latencies = new org.HdrHistogram.Histogram(3_600_000L, 3);
        private final Thread thread;
        private volatile boolean running = true;
        private volatile RuntimeException failure;

        AlertClock(String bootstrapServers, String... topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "alert-clock-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            WireCodec<OutreachEvent> codec = WireCodec.of(OutreachEvent.class);
            thread = new Thread(
                    () -> {
                        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
                            consumer.subscribe(List.of(topics));
                            while (running) {
                                var records = consumer.poll(Duration.ofMillis(20));
                                long now = System.currentTimeMillis();
                                for (ConsumerRecord<byte[], byte[]> r : records) {
                                    OutreachEvent alert = decode(codec, r.value());
                                    synchronized (latencies) {
                                        latencies.recordValue(Math.max(
                                                0,
                                                now
                                                        - alert.getLastEvidenceTime()
                                                                .toEpochMilli()));
                                    }
                                }
                            }
                        } catch (RuntimeException e) {
                            failure = e;
                        }
                    },
                    "alert-clock");
            thread.setDaemon(true);
            thread.start();
        }

        private static OutreachEvent decode(WireCodec<OutreachEvent> codec, byte[] value) {
            try {
                return codec.decode(value);
            } catch (WireFormatException e) {
                throw new IllegalStateException("undecodable outreach: " + e.getMessage(), e);
            }
        }

        long count() {
            if (failure != null) {
                throw failure;
            }
            synchronized (latencies) {
                return latencies.getTotalCount();
            }
        }

        org.HdrHistogram.Histogram latencies() {
            synchronized (latencies) {
                return latencies.copy();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
