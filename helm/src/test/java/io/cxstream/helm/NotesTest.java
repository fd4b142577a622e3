package io.cxstream.helm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** NOTES.txt tells the operator what was installed, how to follow the job and where the metrics are. */
class NotesTest {

    @Test
    void notesNameWhatWasInstalledAndWhereTheMetricsAre() {
        String notes = HelmChart.installOutput("""
                metrics:
                  podMonitor: {enabled: true}
                  prometheusRule: {enabled: true}
                """);

        assertThat(notes)
                .contains(
                        "FlinkDeployment cx-stream (image cx-stream:0.1.0, v2_2, parallelism 2, upgradeMode savepoint)")
                .contains("PodMonitor cx-stream")
                .contains("PrometheusRule cx-stream")
                .contains("kubectl -n cx-prod get flinkdeployment cx-stream")
                .contains("the job's cx_* metrics on port 9249 (container port \"metrics\", cx-stream's reporter)")
                .contains("Flink's own on port 9250 (container port \"flink-metrics\", Flink's reporter)")
                .contains("checkpoints file:///flink-data/checkpoints")
                .contains("WARNING: checkpoints and savepoints are on a ReadWriteOnce volume");
    }

    @Test
    void notesSayWhenMetricsAreOffAndStayQuietAboutObjectStores() {
        String notes = HelmChart.installOutput("""
                metrics: {enabled: false}
                state: {dir: "s3://cx/state", persistence: {enabled: false}}
                """);

        assertThat(notes).contains("Metrics are off").doesNotContain("WARNING").doesNotContain("PersistentVolumeClaim");
    }
}
