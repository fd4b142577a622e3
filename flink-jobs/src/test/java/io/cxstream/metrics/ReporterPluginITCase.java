package io.cxstream.metrics;

import io.cxstream.local.PrometheusReporterSettings;
import io.cxstream.testing.FreePort;
import io.cxstream.testing.PrometheusText;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bucket hand-over across the class loaders of a cluster: the reporter jar (as packaged, simpleclient relocated)
 * is loaded by Flink's own plugin manager from a {@code plugins/cx-prometheus/} directory, the job's
 * {@link BucketedHistogram} by Flink's child-first user-code class loader. Neither sees the other's classes; the
 * reporter must still export the histogram's buckets.
 */
class ReporterPluginITCase {

    @Test
    void theJobsBucketedHistogramReachesThePluginAsAHistogram(@TempDir Path flinkHome) throws Exception {
        Path pluginJar = Path.of(Class.forName(PrometheusReporterSettings.CX_FACTORY_CLASS)
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(pluginJar.toString())
                .as("the packaged plugin jar (run through mvn verify)")
                .endsWith(".jar");
        Path pluginDir = Files.createDirectories(flinkHome.resolve("plugins").resolve("cx-prometheus"));
        Files.copy(pluginJar, pluginDir.resolve(pluginJar.getFileName()));

        Configuration config = new Configuration();
        DefaultPluginManager plugins = new DefaultPluginManager(
                new DirectoryBasedPluginFinder(flinkHome.resolve("plugins")).findPlugins(),
                CoreOptions.getPluginParentFirstLoaderPatterns(config));
        List<MetricReporterFactory> factories = new ArrayList<>();
        for (Iterator<MetricReporterFactory> it = plugins.load(MetricReporterFactory.class); it.hasNext(); ) {
            factories.add(it.next());
        }
        assertThat(factories).hasSize(1);
        MetricReporterFactory factory = factories.get(0);
        assertThat(factory.getClass().getName()).isEqualTo(PrometheusReporterSettings.CX_FACTORY_CLASS);
        ClassLoader pluginLoader = factory.getClass().getClassLoader();
        assertThat(pluginLoader).isNotSameAs(getClass().getClassLoader());

        URL jobClasses =
                BucketedHistogram.class.getProtectionDomain().getCodeSource().getLocation();
        try (var userLoader = FlinkUserCodeClassLoaders.childFirst(
                new URL[] {jobClasses},
                getClass().getClassLoader(),
                CoreOptions.getParentFirstLoaderPatterns(config),
                e -> {},
                true)) {
            Class<?> jobHistogram = userLoader.loadClass(BucketedHistogram.class.getName());
            assertThat(jobHistogram.getClassLoader())
                    .as("the job's copy")
                    .isNotSameAs(BucketedHistogram.class.getClassLoader());
            assertThatThrownBy(() -> pluginLoader.loadClass(BucketedHistogram.class.getName()))
                    .as("the plugin cannot see the job's classes")
                    .isInstanceOf(ClassNotFoundException.class);

            Histogram latency =
                    (Histogram) jobHistogram.getMethod("latencyMillis").invoke(null);
            for (long millis : new long[] {5, 40, 1_200, 2_600, 2_700, 70_000}) {
                latency.update(millis);
            }

            int port = FreePort.find();
            Properties settings = new Properties();
            settings.setProperty("port", Integer.toString(port));
            MetricReporter reporter = factory.createMetricReporter(settings);
            reporter.open(new MetricConfig());
            try {
                reporter.notifyOfAddedMetric(latency, "cx_alert_latency_millis", new UnregisteredMetricsGroup());
                String text = PrometheusText.scrape(port);
                assertThat(text.lines())
                        .contains(
                                "# TYPE cx_alert_latency_seconds histogram",
                                "cx_alert_latency_seconds_bucket{le=\"0.01\",} 1.0",
                                "cx_alert_latency_seconds_bucket{le=\"0.05\",} 2.0",
                                "cx_alert_latency_seconds_bucket{le=\"1.5\",} 3.0",
                                "cx_alert_latency_seconds_bucket{le=\"2.5\",} 3.0",
                                "cx_alert_latency_seconds_bucket{le=\"3.0\",} 5.0",
                                "cx_alert_latency_seconds_bucket{le=\"60.0\",} 5.0",
                                "cx_alert_latency_seconds_bucket{le=\"+Inf\",} 6.0",
                                "cx_alert_latency_seconds_count 6.0",
                                "cx_alert_latency_seconds_sum 76.545");
            } finally {
                reporter.close();
            }
        }
    }
}
