package io.cxstream.local;

import io.cxstream.config.InvalidConfigException;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reporters ./cx demo|serve configure: the same keys as the Helm chart (FlinkDeploymentTest). */
class PrometheusReporterSettingsTest {

    @Test
    void bothReportersWithFlinksLeavingTheJobsMetricsOut() {
        Configuration flink = PrometheusReporterSettings.apply(new Configuration(), 19249, 19250);

        assertThat(flink.toMap())
                .containsAllEntriesOf(Map.of(
                        "metrics.reporter.cx.factory.class",
                                "io.cxstream.metrics.prometheus.CxPrometheusReporterFactory",
                        "metrics.reporter.cx.port", "19249",
                        "metrics.reporter.prom.factory.class",
                                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                        "metrics.reporter.prom.port", "19250"));
        assertThat(flink.get(ConfigOptions.key("metrics.reporter.prom.filter.excludes")
                        .stringType()
                        .asList()
                        .noDefaultValue()))
                .containsExactly("*:cx_*");
    }

    @Test
    void portZeroLeavesAReporterOut() {
        assertThat(PrometheusReporterSettings.apply(new Configuration(), 0, 19250)
                        .toMap())
                .doesNotContainKeys("metrics.reporter.cx.factory.class", "metrics.reporter.cx.port")
                .containsKey("metrics.reporter.prom.port");
        assertThat(PrometheusReporterSettings.apply(new Configuration(), 0, 0)
                        .toMap()
                        .keySet())
                .noneMatch(k -> k.startsWith("metrics.reporter."));
    }

    @Test
    void metricsPortZeroTurnsFlinksReporterOffByDefaultToo() {
        assertThat(PrometheusReporterSettings.defaultFlinkPort(9249)).isEqualTo(9250);
        assertThat(PrometheusReporterSettings.defaultFlinkPort(0)).isZero();
    }

    @Test
    void aPortInUseFailsNamingTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> PrometheusReporterSettings.requireFree("flink-metrics-port", taken.getLocalPort()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("flink-metrics-port")
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
        assertThatThrownBy(() -> PrometheusReporterSettings.apply(new Configuration(), 70000, 0))
                .hasMessageContaining("70000");
    }
}
