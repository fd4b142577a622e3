package io.cxstream.metrics.prometheus;

import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/**
 * Creates the {@link CxPrometheusReporter}; listed in {@code META-INF/services} so that Flink finds it in the plugin
 * jar ({@code plugins/cx-prometheus/}) or on the classpath. A bad setting fails here with a message naming its key
 * (Flink logs it and starts without this reporter).
 */
public class CxPrometheusReporterFactory implements MetricReporterFactory {
    @Override
    public CxPrometheusReporter createMetricReporter(Properties properties) {
        return new CxPrometheusReporter(ReporterSettings.from(properties));
    }
}
