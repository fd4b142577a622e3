package io.cxstream.metrics.prometheus;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The reporter on a real HTTP port, scraped as Prometheus would, and the scrape linted by the real promtool. */
class CxPrometheusReporterTest {
    private static final String LABELS_0 = "job_name=\"cx\",operator_name=\"route-input\",subtask_index=\"0\"";
    private static final String LABELS_1 = "job_name=\"cx\",operator_name=\"route-input\",subtask_index=\"1\"";

    private CxPrometheusReporter reporter;

    @BeforeEach
    void start() {
        reporter = open(new Properties());
    }

    @AfterEach
    void stop() {
        reporter.close();
    }

    @Test
    void userKeysBecomeLabelsAndCountersEndInTotal() throws Exception {
        SimpleCounter feedback = new SimpleCounter();
        feedback.inc(3);
        MetricGroup operator = TestGroup.operator("cx", "route-input", 0);
        reporter.notifyOfAddedMetric(
                feedback, "cx_events_in", operator.addGroup("input", "feedback").addGroup("type", "NPS"));
        reporter.notifyOfAddedMetric(new SimpleCounter(), "cx_late_events", operator);
        reporter.notifyOfAddedMetric(new SimpleCounter(), "numRecordsIn", operator);

        String text = scrape();

        assertThat(text.lines())
                .contains(
                        "# TYPE cx_events_in_total counter",
                        "cx_events_in_total{" + LABELS_0 + ",input=\"feedback\",type=\"NPS\",} 3.0",
                        "cx_late_events_total{" + LABELS_0 + ",} 0.0",
                        "cx_metrics_reporter_dropped_series_total 0.0");
        assertThat(text)
                .as("Flink's system metrics are left to Flink's reporter")
                .doesNotContain("numRecordsIn");
        assertThat(text)
                .as("no id that changes with a restart becomes a label")
                .doesNotContain("job_id", "tm_id", "task_attempt", "host=", "operator_id");
        promtoolAccepts(text);
        assertThat(scrape("/")).as("the Helm chart's PodMonitor scrapes path /").isEqualTo(text);
    }

    @Test
    void gaugesMetersAndSummaries() throws Exception {
        MetricGroup operator = TestGroup.operator("cx", "route-input", 1);
        reporter.notifyOfAddedMetric((Gauge<Double>) () -> -12.5, "cx_nps", operator.addGroup("channel", "WEB"));
        reporter.notifyOfAddedMetric((Gauge<Boolean>) () -> true, "cx_ready", operator);
        reporter.notifyOfAddedMetric((Gauge<String>) () -> "text", "cx_not_a_number", operator);
        SimpleCounter marked = new SimpleCounter();
        marked.inc(7);
        reporter.notifyOfAddedMetric(new MeterView(marked), "cx_sent_total", operator);
        reporter.notifyOfAddedMetric(new SampledHistogram(new long[] {100, 200, 300}), "cx_wait_millis", operator);

        String text = scrape();

        assertThat(text.lines())
                .contains(
                        "# TYPE cx_nps gauge",
                        "cx_nps{" + LABELS_1 + ",channel=\"WEB\",} -12.5",
                        "cx_ready{" + LABELS_1 + ",} 1.0",
                        "# TYPE cx_sent_total counter",
                        "cx_sent_total{" + LABELS_1 + ",} 7.0",
                        "# TYPE cx_wait_seconds summary",
                        "cx_wait_seconds{" + LABELS_1 + ",quantile=\"0.5\",} 0.2",
                        "cx_wait_seconds_count{" + LABELS_1 + ",} 3.0");
        assertThat(text).doesNotContain("cx_not_a_number", "cx_wait_millis{", "cx_wait_millis_count");
        promtoolAccepts(text);
    }

    @Test
    void bucketedHistogramsAreHistogramsInSeconds() throws Exception {
        // 1 value <= 10 ms, 2 more <= 100 ms, 1 above: sum 1 + 50 + 60 + 5000 ms
        reporter.notifyOfAddedMetric(
                new ContractHistogram(new long[] {1, 3, 4}, 5111),
                "cx_alert_latency_millis",
                TestGroup.operator("cx", "outreach-decision", 0));

        String text = scrape();

        String labels = "job_name=\"cx\",operator_name=\"outreach-decision\",subtask_index=\"0\"";
        assertThat(text.lines())
                .contains(
                        "# TYPE cx_alert_latency_seconds histogram",
                        "cx_alert_latency_seconds_bucket{" + labels + ",le=\"0.01\",} 1.0",
                        "cx_alert_latency_seconds_bucket{" + labels + ",le=\"0.1\",} 3.0",
                        "cx_alert_latency_seconds_bucket{" + labels + ",le=\"+Inf\",} 4.0",
                        "cx_alert_latency_seconds_count{" + labels + ",} 4.0",
                        "cx_alert_latency_seconds_sum{" + labels + ",} 5.111");
        promtoolAccepts(text);
    }

    @Test
    void aRestartedTasksSeriesSurvivesTheRemovalOfTheOldOne() throws Exception {
        MetricGroup group = TestGroup.operator("cx", "route-input", 0);
        SimpleCounter old = new SimpleCounter();
        old.inc(5);
        SimpleCounter restarted = new SimpleCounter();
        restarted.inc(2);
        reporter.notifyOfAddedMetric(old, "cx_late_events", group);
        reporter.notifyOfAddedMetric(restarted, "cx_late_events", group);
        reporter.notifyOfRemovedMetric(old, "cx_late_events", group);
        assertThat(scrape().lines()).contains("cx_late_events_total{" + LABELS_0 + ",} 2.0");

        reporter.notifyOfRemovedMetric(restarted, "cx_late_events", group);
        assertThat(scrape()).doesNotContain("cx_late_events_total{");
    }

    @Test
    void seriesBeyondTheLimitAreDroppedAndCounted() throws Exception {
        reporter.close();
        Properties limited = new Properties();
        limited.setProperty(ReporterSettings.MAX_SERIES, "2");
        reporter = open(limited);
        MetricGroup group = TestGroup.operator("cx", "route-input", 0);
        for (String reason : List.of("A", "B", "C", "D")) {
            reporter.notifyOfAddedMetric(new SimpleCounter(), "cx_dead_letters", group.addGroup("reason", reason));
        }

        String text = scrape();

        assertThat(text.lines().filter(l -> l.startsWith("cx_dead_letters_total{")))
                .hasSize(2);
        assertThat(text.lines()).contains("cx_metrics_reporter_dropped_series_total 2.0");
    }

    @Test
    void badSettingsFailNamingTheKey() {
        CxPrometheusReporterFactory factory = new CxPrometheusReporterFactory();
        assertThatThrownBy(() -> factory.createMetricReporter(props("port", "nine")))
                .hasMessageContaining("metrics.reporter.<name>.port = 'nine'");
        assertThatThrownBy(() -> factory.createMetricReporter(props("port", "70000")))
                .hasMessageContaining("metrics.reporter.<name>.port = '70000'");
        Properties badLimit = props("port", "0");
        badLimit.setProperty(ReporterSettings.MAX_SERIES, "0");
        assertThatThrownBy(() -> factory.createMetricReporter(badLimit))
                .hasMessageContaining("metrics.reporter.<name>.max-series-per-metric = '0'");
        Properties badPrefix = props("port", "0");
        badPrefix.setProperty(ReporterSettings.PREFIX, "cx-");
        assertThatThrownBy(() -> factory.createMetricReporter(badPrefix))
                .hasMessageContaining("metrics.reporter.<name>.prefix = 'cx-'");
    }

    @Test
    void defaultsNeedNoSetting() {
        ReporterSettings defaults = ReporterSettings.from(new Properties());
        assertThat(defaults.port).isEqualTo(9249);
        assertThat(defaults.prefix).isEqualTo("cx_");
        assertThat(defaults.maxSeriesPerMetric).isEqualTo(1000);
        assertThat(defaults.host).isNull();
    }

    @Test
    void aTakenPortFailsNamingTheKey() {
        Properties same = props("port", Integer.toString(reporter.port()));
        CxPrometheusReporter second = new CxPrometheusReporterFactory().createMetricReporter(same);
        assertThatThrownBy(() -> second.open(new MetricConfig()))
                .hasMessageContaining("metrics.reporter.<name>.port")
                .hasMessageContaining(Integer.toString(reporter.port()));
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    private static CxPrometheusReporter open(Properties extra) {
        Properties p = props(ReporterSettings.PORT, "0");
        p.putAll(extra);
        CxPrometheusReporter r = new CxPrometheusReporterFactory().createMetricReporter(p);
        r.open(new MetricConfig());
        assertThat(r.port()).isPositive();
        return r;
    }

    private String scrape() throws IOException, InterruptedException {
        return scrape("/metrics");
    }

    private String scrape(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + reporter.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** promtool check metrics (Debian package prometheus): skipped with a message where missing, failed under CI=true. */
    static void promtoolAccepts(String text) throws Exception {
        File promtool = new File("/usr/bin/promtool");
        if (!promtool.canExecute() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("promtool is not installed, and CI=true: .ci/run must install the Debian package prometheus");
        }
        assumeTrue(promtool.canExecute(), "promtool is not installed (apt-get install prometheus)");
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("promtool check metrics:%n%s%n--- input ---%n%s", output, text)
                .isZero();
        assertThat(output)
                .as("promtool check metrics:%n%s%n--- input ---%n%s", output, text)
                .isBlank();
    }

    /** A Flink sampling histogram, as DescriptiveStatisticsHistogram presents itself (no buckets). */
    private static final class SampledHistogram implements Histogram {
        private final long[] values;

        SampledHistogram(long[] values) {
            this.values = values;
        }

        @Override
        public void update(long value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCount() {
            return values.length;
        }

        @Override
        public HistogramStatistics getStatistics() {
            return new Stats(values, 0) {
                @Override
                public double getQuantile(double q) {
                    return values[(int) Math.min(values.length - 1, Math.floor(q * values.length))];
                }
            };
        }
    }

    /** The bucket hand-over contract of BucketCounts, in JDK and Flink types only: what the job's histogram offers. */
    private static final class ContractHistogram implements Histogram {
        private final long[] cumulative;
        private final long sum;

        ContractHistogram(long[] cumulative, long sum) {
            this.cumulative = cumulative;
            this.sum = sum;
        }

        @Override
        public void update(long value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCount() {
            return cumulative[cumulative.length - 1];
        }

        @Override
        public HistogramStatistics getStatistics() {
            return new BucketStats(cumulative, sum);
        }
    }

    private static final class BucketStats extends Stats implements Supplier<SortedMap<Double, Long>> {
        private final long[] cumulative;

        BucketStats(long[] cumulative, long sum) {
            super(new long[0], (double) sum / cumulative[cumulative.length - 1]);
            this.cumulative = cumulative;
        }

        @Override
        public SortedMap<Double, Long> get() {
            SortedMap<Double, Long> m = new TreeMap<>();
            m.put(10.0, cumulative[0]);
            m.put(100.0, cumulative[1]);
            m.put(Double.POSITIVE_INFINITY, cumulative[2]);
            return m;
        }

        @Override
        public int size() {
            return (int) cumulative[cumulative.length - 1];
        }
    }

    private static class Stats extends HistogramStatistics {
        private final long[] values;
        private final double mean;

        Stats(long[] values, double mean) {
            this.values = values;
            this.mean = mean;
        }

        @Override
        public double getQuantile(double quantile) {
            return Double.NaN;
        }

        @Override
        public long[] getValues() {
            return values;
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public double getMean() {
            return mean;
        }

        @Override
        public double getStdDev() {
            return 0;
        }

        @Override
        public long getMax() {
            return 0;
        }

        @Override
        public long getMin() {
            return 0;
        }
    }
}
