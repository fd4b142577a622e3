package io.cxstream.helm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.cxstream.helm.Manifests.at;
import static io.cxstream.helm.Manifests.mainContainer;
import static org.assertj.core.api.Assertions.assertThat;

/** Each optional part switches on and off, and the chart refuses combinations the operator would refuse. */
class OptionalPartsTest {

    @ParameterizedTest(name = "{0}.enabled={1}")
    @CsvSource({
        "podMonitor,     true,  PodMonitor",
        "podMonitor,     false, PodMonitor",
        "prometheusRule, true,  PrometheusRule",
        "prometheusRule, false, PrometheusRule",
        "dashboard,      true,  ConfigMap",
        "dashboard,      false, ConfigMap"
    })
    void monitoringObjectsSwitch(String part, boolean enabled, String kind) {
        Manifests manifests = HelmChart.render("""
                metrics:
                  %s:
                    enabled: %s
                """.formatted(part, enabled));

        assertThat(manifests.has(kind)).isEqualTo(enabled);
    }

    @Test
    void podMonitorScrapesBothNamedMetricsPortsOfThisReleasesPods() {
        Manifests manifests = HelmChart.render("""
                metrics:
                  portName: cx
                  port: 9350
                  flinkPortName: flink
                  flinkPort: 9351
                  podMonitor:
                    enabled: true
                    labels: {release: prometheus}
                """);
        Map<String, Object> podMonitor = manifests.one("PodMonitor");
        Map<String, Object> fd = manifests.one("FlinkDeployment");

        assertThat((String) at(podMonitor, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat((String) at(podMonitor, "metadata.labels.release")).isEqualTo("prometheus");
        assertThat((String) at(podMonitor, "spec.podMetricsEndpoints.0.port")).isEqualTo("cx");
        assertThat((String) at(podMonitor, "spec.podMetricsEndpoints.1.port")).isEqualTo("flink");
        assertThat((List<Map<String, Object>>) at(podMonitor, "spec.podMetricsEndpoints"))
                .hasSize(2);
        assertThat((List<Map<String, Object>>) at(mainContainer(fd), "ports"))
                .containsExactly(
                        Map.of("name", "cx", "containerPort", 9350, "protocol", "TCP"),
                        Map.of("name", "flink", "containerPort", 9351, "protocol", "TCP"));
        assertThat((String) Manifests.key(fd, "spec.flinkConfiguration", "metrics.reporter.cx.port"))
                .isEqualTo("9350");
        assertThat((String) Manifests.key(fd, "spec.flinkConfiguration", "metrics.reporter.prom.port"))
                .isEqualTo("9351");
        // the PodMonitor's selector matches the labels the pod template puts on JobManager and TaskManagers
        Map<String, Object> selector = at(podMonitor, "spec.selector.matchLabels");
        assertThat((Map<String, Object>) at(fd, "spec.podTemplate.metadata.labels"))
                .containsAllEntriesOf(selector);
    }

    @Test
    void metricsOffRemovesReporterPortAndPodMonitor() {
        Manifests manifests = HelmChart.render("""
                metrics:
                  enabled: false
                  podMonitor: {enabled: true}
                """);
        Map<String, Object> fd = manifests.one("FlinkDeployment");

        assertThat(manifests.has("PodMonitor")).isFalse();
        assertThat(mainContainer(fd)).doesNotContainKey("ports");
        assertThat((Map<String, Object>) at(fd, "spec.flinkConfiguration"))
                .doesNotContainKeys(
                        "metrics.reporter.prom.factory.class", "metrics.reporter.prom.port",
                        "metrics.reporter.cx.factory.class", "metrics.reporter.cx.port");
    }

    @Test
    void highAvailabilitySwitches() {
        Map<String, Object> on = HelmChart.render("""
                highAvailability: {enabled: true, storageDir: "s3://ha-bucket/cx"}
                state: {dir: "s3://state/cx", persistence: {enabled: false}}
                """).one("FlinkDeployment");
        Map<String, Object> off = HelmChart.render("""
                highAvailability: {enabled: false}
                """).one("FlinkDeployment");

        assertThat((Map<String, Object>) at(on, "spec.flinkConfiguration"))
                .containsAllEntriesOf(Map.of(
                        "high-availability.type", "kubernetes", "high-availability.storageDir", "s3://ha-bucket/cx"));
        assertThat((Map<String, Object>) at(off, "spec.flinkConfiguration"))
                .doesNotContainKeys("high-availability.type", "high-availability.storageDir");
    }

    @Test
    void objectStoreStateNeedsNoVolume() {
        Manifests manifests = HelmChart.render(KafkaSecurityTest.example("s3.yaml"));
        Map<String, Object> fd = manifests.one("FlinkDeployment");

        assertThat(manifests.has("PersistentVolumeClaim")).isFalse();
        assertThat((Map<String, Object>) at(fd, "spec.flinkConfiguration"))
                .containsAllEntriesOf(Map.of(
                        "execution.checkpointing.dir", "s3://cx-stream-state/prod/checkpoints",
                        "execution.checkpointing.savepoint-dir", "s3://cx-stream-state/prod/savepoints",
                        "high-availability.storageDir", "s3://cx-stream-state/prod/ha",
                        "s3.endpoint", "https://s3.eu-central-1.amazonaws.com",
                        "execution.checkpointing.num-retained", "3"));
        assertThat((List<Map<String, Object>>) at(mainContainer(fd), "env"))
                .contains(Map.of("name", "ENABLE_BUILT_IN_PLUGINS", "value", "flink-s3-fs-presto-2.2.1.jar"));
        assertThat(mainContainer(fd)).doesNotContainKey("volumeMounts");
        assertThat((Object) at(fd, "spec.podTemplate.spec.volumes")).isNull();
    }

    @Test
    void existingClaimIsMountedAndNotCreated() {
        Manifests manifests = HelmChart.render("""
                state: {persistence: {existingClaim: shared-flink-state, accessModes: [ReadWriteMany]}}
                """);

        assertThat(manifests.has("PersistentVolumeClaim")).isFalse();
        assertThat((String) at(
                        manifests.one("FlinkDeployment"),
                        "spec.podTemplate.spec.volumes.0.persistentVolumeClaim.claimName"))
                .isEqualTo("shared-flink-state");
    }

    @Test
    void serviceAccountAndRbacSwitch() {
        Manifests manifests = HelmChart.render("""
                serviceAccount: {create: false}
                rbac: {create: false}
                """);

        assertThat(manifests.kinds()).doesNotContain("ServiceAccount", "Role", "RoleBinding");
        // the job service account the operator's chart creates in each watched namespace
        assertThat((String) at(manifests.one("FlinkDeployment"), "spec.serviceAccount"))
                .isEqualTo("flink");

        Manifests own = HelmChart.render("serviceAccount: {name: cx-runner}");
        assertThat((String) at(own.one("ServiceAccount"), "metadata.name")).isEqualTo("cx-runner");
        assertThat((String) at(own.one("RoleBinding"), "subjects.0.name")).isEqualTo("cx-runner");
        assertThat((String) at(own.one("FlinkDeployment"), "spec.serviceAccount"))
                .isEqualTo("cx-runner");
    }

    @Test
    void refusesWhatTheOperatorWouldRefuse() {
        assertThat(HelmChart.renderError("""
                job: {upgradeMode: last-state}
                highAvailability: {enabled: false}
                """)).contains("last-state needs highAvailability.enabled=true");
        assertThat(HelmChart.renderError("""
                jobManager: {replicas: 2}
                highAvailability: {enabled: false}
                """)).contains("jobManager.replicas > 1 needs highAvailability.enabled=true");
        assertThat(HelmChart.renderError("""
                state: {dir: ""}
                """)).contains("needs a checkpoint directory");
        assertThat(HelmChart.renderError("""
                state: {dir: "", checkpointDir: "s3://b/cx/checkpoints", persistence: {enabled: false}}
                highAvailability: {enabled: false}
                """)).contains("job.upgradeMode savepoint needs a savepoint directory");
    }

    @Test
    void refusesLocalStateWithoutASharedVolume() {
        assertThat(HelmChart.renderError("""
                state: {persistence: {enabled: false}}
                """)).contains("is on the pods' local disk");
        assertThat(HelmChart.renderError("""
                state: {dir: "file:///elsewhere"}
                """)).contains("outside the state volume mounted at /flink-data");
    }
}
