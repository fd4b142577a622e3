package io.cxstream.helm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart, the image and the plugin agree: the reporter factory the chart configures is the one the plugin jar
 * lists in its {@code META-INF/services}, the image puts that jar into a directory of its own under Flink's
 * {@code plugins/}.
 */
class ReporterPluginWiringTest {
    private static final Path ROOT = HelmChart.DIR.resolve("..").resolve("..").normalize();

    @Test
    void theChartConfiguresTheFactoryThePluginJarProvides() throws IOException {
        String provided = Files.readString(
                        ROOT.resolve(
                                "metrics-reporter/src/main/resources/META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory"))
                .trim();
        Map<String, Object> fd = HelmChart.render().one("FlinkDeployment");

        assertThat((String) Manifests.key(fd, "spec.flinkConfiguration", "metrics.reporter.cx.factory.class"))
                .isEqualTo(provided);
    }

    @Test
    void theImagePutsThePluginJarIntoItsOwnPluginDirectory() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("flink-jobs/Dockerfile"));

        assertThat(dockerfile)
                .contains("ARG REPORTER_JAR=metrics-reporter/target/cx-stream-metrics-reporter-*.jar")
                .containsPattern(
                        "(?m)^COPY --chown=flink:flink \\$\\{REPORTER_JAR} /opt/flink/plugins/cx-prometheus/$");
    }
}
