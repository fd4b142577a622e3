package io.cxstream.metrics.prometheus;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A Flink metric reporter that serves the job's own metrics (names starting with {@code prefix}, default
 * {@code cx_}) at {@code http://<host>:<port>/metrics} in the Prometheus text format: the keys of the job's
 * key/value metric groups become labels (never part of the name), counters are {@code counter}s named
 * {@code _total}, and bucketed histograms are {@code histogram}s that can be summed across subtasks
 * ({@link FlinkMetricsCollector}, {@link SeriesLabels}, {@link BucketCounts}).
 *
 * <p>Flink's own system metrics are not exported here: Flink's Prometheus reporter keeps exporting them on its
 * own port (configure it with {@code filter.excludes: *:cx_*} so that the job's metrics are not exported twice).
 *
 * <p>Created by {@link CxPrometheusReporterFactory}; enable with
 * {@code metrics.reporter.cx.factory.class: io.cxstream.metrics.prometheus.CxPrometheusReporterFactory}
 * (settings in {@link ReporterSettings}: port 9249 unless {@code metrics.reporter.cx.port} says otherwise).
 */
public class CxPrometheusReporter implements MetricReporter {
    private static final Logger LOG = LoggerFactory.getLogger(CxPrometheusReporter.class);

    private final ReporterSettings settings;
    private final FlinkMetricsCollector collector;
    private HTTPServer server;

    CxPrometheusReporter(ReporterSettings settings) {
        this.settings = settings;
        this.collector = new FlinkMetricsCollector(settings.maxSeriesPerMetric);
    }

    @Override
    public void open(MetricConfig config) {
        CollectorRegistry registry = new CollectorRegistry(true);
        registry.register(collector);
        InetSocketAddress address = settings.host == null
                ? new InetSocketAddress(settings.port)
                : new InetSocketAddress(settings.host, settings.port);
        try {
            server = new HTTPServer.Builder()
                    .withInetSocketAddress(address)
                    .withRegistry(registry)
                    .withDaemonThreads(true)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve metrics on " + address + " (metrics.reporter.<name>." + ReporterSettings.PORT + "): "
                            + e.getMessage(),
                    e);
        }
        LOG.info(
                "cx-stream Prometheus reporter serving metrics named {}* on port {}",
                settings.prefix,
                server.getPort());
    }

    /** The port /metrics is served on (the configured one, or the one picked for port 0); -1 before open. */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (metricName.startsWith(settings.prefix)) {
            collector.add(metricName, metric, SeriesLabels.of(group));
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        if (metricName.startsWith(settings.prefix)) {
            collector.remove(metricName, metric, SeriesLabels.of(group));
        }
    }
}
