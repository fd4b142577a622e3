package io.cxstream.helm;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.cxstream.helm.Manifests.at;
import static io.cxstream.helm.Manifests.key;
import static io.cxstream.helm.Manifests.mainContainer;
import static org.assertj.core.api.Assertions.assertThat;

/** The FlinkDeployment: defaults, and values flowing to where the operator and the job read them. */
class FlinkDeploymentTest {

    private static final String CONF = "spec.flinkConfiguration";

    @Test
    void rendersWithDefaults() {
        Manifests manifests = HelmChart.render();

        assertThat(manifests.kinds())
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim", "FlinkDeployment");

        Map<String, Object> fd = manifests.one("FlinkDeployment");
        assertThat((String) at(fd, "apiVersion")).isEqualTo("flink.apache.org/v1beta1");
        assertThat((String) at(fd, "metadata.name")).isEqualTo("cx-stream");
        assertThat((String) at(fd, "metadata.namespace")).isEqualTo(HelmChart.NAMESPACE);
        assertThat((String) at(fd, "spec.image")).isEqualTo("cx-stream:0.1.0");
        assertThat((String) at(fd, "spec.flinkVersion")).isEqualTo("v2_2");
        assertThat((String) at(fd, "spec.serviceAccount")).isEqualTo("cx-stream");
        assertThat((String) at(fd, "spec.job.jarURI")).isEqualTo("local:///opt/flink/usrlib/cx-stream-job.jar");
        assertThat((String) at(fd, "spec.job.entryClass")).isEqualTo("io.cxstream.CxJob");
        assertThat((String) at(fd, "spec.job.upgradeMode")).isEqualTo("savepoint");
        assertThat((String) at(fd, "spec.job.state")).isEqualTo("running");
        assertThat((Integer) at(fd, "spec.job.parallelism")).isEqualTo(2);

        assertThat((Map<String, Object>) at(fd, CONF))
                .containsAllEntriesOf(Map.of(
                        "state.backend.type", "rocksdb",
                        "execution.checkpointing.incremental", "true",
                        "execution.checkpointing.dir", "file:///flink-data/checkpoints",
                        "execution.checkpointing.savepoint-dir", "file:///flink-data/savepoints",
                        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION",
                        "high-availability.type", "kubernetes",
                        "high-availability.storageDir", "file:///flink-data/ha",
                        "taskmanager.numberOfTaskSlots", "2"));
        // cx-stream's reporter for the job's metrics, Flink's for its own without them
        assertThat((Map<String, Object>) at(fd, CONF))
                .containsAllEntriesOf(Map.of(
                        "metrics.reporter.cx.factory.class",
                                "io.cxstream.metrics.prometheus.CxPrometheusReporterFactory",
                        "metrics.reporter.cx.port", "9249",
                        "metrics.reporter.cx.max-series-per-metric", "1000",
                        "metrics.reporter.prom.factory.class",
                                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                        "metrics.reporter.prom.port", "9250",
                        "metrics.reporter.prom.filter.excludes", "*:cx_*"));
        // the parallel collector unless flink.garbageCollector says otherwise (docs/performance.md, session 21)
        assertThat((String) key(fd, CONF, "env.java.opts.all"))
                .isEqualTo("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro -XX:+UseParallelGC");

        assertThat(JobArgs.of(fd))
                .containsAllEntriesOf(Map.of(
                        "bootstrap-servers", "kafka:9092",
                        "group-id", "cx-stream",
                        "delivery-guarantee", "at-least-once",
                        "topic.interactions", "cx.interactions",
                        "topic.outreach.contact-center", "cx.outreach.contact-center",
                        "topic.deadletter", "cx.deadletter",
                        "topic.rules", "cx.rules",
                        "topic.rules-status", "cx.rules.status",
                        "checkpoint.interval", "10 s",
                        "state.ttl", "90 d"));

        // the file:// state lives on the chart's PVC, mounted where the dirs point
        assertThat((String) at(manifests.one("PersistentVolumeClaim"), "metadata.name"))
                .isEqualTo("cx-stream-state");
        assertThat((String) at(fd, "spec.podTemplate.spec.volumes.0.persistentVolumeClaim.claimName"))
                .isEqualTo("cx-stream-state");
        assertThat((String) at(mainContainer(fd), "volumeMounts.0.mountPath")).isEqualTo("/flink-data");
    }

    @Test
    void valuesFlowIntoTheFlinkDeployment() {
        Map<String, Object> fd = HelmChart.render("""
                image:
                  repository: registry.example/cx/cx-stream
                  tag: 1.2.3
                  pullPolicy: Always
                job:
                  parallelism: 8
                taskManager:
                  taskSlots: 4
                  resource: {cpu: 2, memory: 8g}
                jobManager:
                  resource: {cpu: 0.5, memory: 1600m}
                kafka:
                  bootstrapServers: b-1.kafka.example:9096,b-2.kafka.example:9096
                  deliveryGuarantee: exactly-once
                  transactionalIdPrefix: cx-prod-eu
                  groupId: cx-prod-eu
                  topics:
                    interactions: prod.cx.interactions
                processing:
                  checkpointInterval: 30 s
                state:
                  checkpointDir: file:///flink-data/chk-eu
                """).one("FlinkDeployment");

        assertThat((String) at(fd, "spec.image")).isEqualTo("registry.example/cx/cx-stream:1.2.3");
        assertThat((String) at(fd, "spec.imagePullPolicy")).isEqualTo("Always");
        assertThat((Integer) at(fd, "spec.job.parallelism")).isEqualTo(8);
        assertThat((String) key(fd, CONF, "taskmanager.numberOfTaskSlots")).isEqualTo("4");
        assertThat((Number) at(fd, "spec.taskManager.resource.cpu")).isEqualTo(2);
        assertThat((String) at(fd, "spec.taskManager.resource.memory")).isEqualTo("8g");
        assertThat((Number) at(fd, "spec.jobManager.resource.cpu")).isEqualTo(0.5);
        assertThat((String) key(fd, CONF, "execution.checkpointing.dir")).isEqualTo("file:///flink-data/chk-eu");
        assertThat((String) key(fd, CONF, "execution.checkpointing.savepoint-dir"))
                .isEqualTo("file:///flink-data/savepoints");

        Map<String, String> args = JobArgs.of(fd);
        assertThat(args)
                .containsAllEntriesOf(Map.of(
                        "bootstrap-servers", "b-1.kafka.example:9096,b-2.kafka.example:9096",
                        "delivery-guarantee", "exactly-once",
                        "transactional-id-prefix", "cx-prod-eu",
                        "group-id", "cx-prod-eu",
                        "topic.interactions", "prod.cx.interactions",
                        "topic.feedback", "cx.feedback",
                        "checkpoint.interval", "30 s"));
    }

    @Test
    void extraArgsDetectorsAndKafkaPropertiesBecomeArguments() {
        Map<String, Object> fd = HelmChart.render("""
                job:
                  extraArgs:
                    group-id: cx-blue          # overrides the one built from kafka.groupId
                    --detect.burst.size: 5     # a leading -- is tolerated
                detectors:
                  silence.window: 45 min
                  frustration.threshold: 3
                kafka:
                  properties:
                    security.protocol: SSL
                    max.poll.records: 500
                processing:
                  stateTtl: ""                 # empty: left out, the job's default applies
                """).one("FlinkDeployment");

        Map<String, String> args = JobArgs.of(fd);
        assertThat(args)
                .containsAllEntriesOf(Map.of(
                        "group-id", "cx-blue",
                        "detect.burst.size", "5",
                        "detect.silence.window", "45 min",
                        "detect.frustration.threshold", "3",
                        "kafka.security.protocol", "SSL",
                        "kafka.max.poll.records", "500"));
        assertThat(args).doesNotContainKey("state.ttl");
    }

    @Test
    void flinkConfigMergesOverDefaultsAndJavaOptsKeepTheAvroOption() {
        Map<String, Object> fd = HelmChart.render("""
                flink:
                  javaOpts: -XX:+ExitOnOutOfMemoryError
                  config:
                    execution.checkpointing.num-retained: 3
                    execution.checkpointing.incremental: false
                    env.java.opts.all: -Dcx.flag=1
                """).one("FlinkDeployment");

        assertThat((String) key(fd, CONF, "execution.checkpointing.num-retained"))
                .isEqualTo("3");
        assertThat((String) key(fd, CONF, "execution.checkpointing.incremental"))
                .isEqualTo("false");
        assertThat((String) key(fd, CONF, "state.backend.type")).isEqualTo("rocksdb");
        assertThat((String) key(fd, CONF, "env.java.opts.all"))
                .isEqualTo("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro -XX:+UseParallelGC"
                        + " -Dcx.flag=1 -XX:+ExitOnOutOfMemoryError");
        // every value is a string, as Flink's configuration map expects
        Map<String, Object> conf = at(fd, CONF);
        assertThat(conf.values()).allMatch(v -> v instanceof String);
    }

    @Test
    void garbageCollectorIsChosenInOnePlace() {
        assertThat(javaOpts("flink: {garbageCollector: g1}"))
                .isEqualTo("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro -XX:+UseG1GC");
        // "": the JVM's own choice, or the one the JVM options make
        assertThat(javaOpts("flink: {garbageCollector: \"\", javaOpts: -XX:+UseZGC}"))
                .isEqualTo("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro -XX:+UseZGC");
        // an option that only names a collector in passing is not a second choice
        assertThat(javaOpts("flink: {javaOpts: -XX:+UseAdaptiveSizePolicyWithSystemGC}"))
                .endsWith("-XX:+UseParallelGC -XX:+UseAdaptiveSizePolicyWithSystemGC");
        // two collectors would stop the JVM at start: refused when rendering, naming the value to change
        assertThat(HelmChart.renderError("flink: {javaOpts: -XX:+UseG1GC}"))
                .contains("flink.garbageCollector is parallel and the JVM options select -XX:+UseG1GC");
        assertThat(HelmChart.renderError("""
                flink:
                  garbageCollector: g1
                  config: {env.java.opts.all: "-Xss2m -XX:+UseSerialGC"}
                """))
                .contains("flink.garbageCollector is g1 and the JVM options select -XX:+UseSerialGC");
        assertThat(HelmChart.renderError("flink: {config: {env.java.opts.taskmanager: -XX:+UseZGC}}"))
                .contains("flink.garbageCollector is parallel and the JVM options select -XX:+UseZGC");
        assertThat(HelmChart.renderError("flink: {garbageCollector: shenandoah}"))
                .contains("garbageCollector");
    }

    private static String javaOpts(String values) {
        return key(HelmChart.render(values).one("FlinkDeployment"), CONF, "env.java.opts.all");
    }

    @Test
    void imageByDigestAndNamesWithinFlinkClusterIdLimit() {
        String release = "customer-experience-stream-processing-eu-west-1";
        Manifests manifests = HelmChart.renderRelease(release, """
                image:
                  digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                """);
        Map<String, Object> fd = manifests.one("FlinkDeployment");

        assertThat((String) at(fd, "spec.image"))
                .isEqualTo("cx-stream@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        // the FlinkDeployment name is Flink's cluster id: at most 45 characters
        String name = at(fd, "metadata.name");
        assertThat(name)
                .hasSizeLessThanOrEqualTo(45)
                .startsWith("customer-experience-stream")
                .doesNotEndWith("-");
        assertThat((String) at(manifests.one("RoleBinding"), "subjects.0.name")).isEqualTo(name);
    }

    @Test
    void podSettingsReachThePodTemplate() {
        Map<String, Object> fd = HelmChart.render("""
                pod:
                  labels: {team: cx}
                  nodeSelector: {workload: streaming}
                  extraEnv:
                    - name: TZ
                      value: UTC
                  extraVolumes:
                    - name: scratch
                      emptyDir: {}
                  extraVolumeMounts:
                    - name: scratch
                      mountPath: /scratch
                imagePullSecrets:
                  - name: registry-credentials
                """).one("FlinkDeployment");

        assertThat((Map<String, Object>) at(fd, "spec.podTemplate.metadata.labels"))
                .containsAllEntriesOf(Map.of(
                        "team",
                        "cx",
                        "app.kubernetes.io/name",
                        "cx-stream",
                        "app.kubernetes.io/instance",
                        HelmChart.RELEASE));
        // a chart version bump alone must not change the pod template (the operator would redeploy the job)
        assertThat((Map<String, Object>) at(fd, "spec.podTemplate.metadata.labels"))
                .doesNotContainKeys("helm.sh/chart", "app.kubernetes.io/version");
        assertThat((String) at(fd, "spec.podTemplate.spec.nodeSelector.workload"))
                .isEqualTo("streaming");
        assertThat((String) at(fd, "spec.podTemplate.spec.imagePullSecrets.0.name"))
                .isEqualTo("registry-credentials");
        Map<String, Object> container = mainContainer(fd);
        assertThat((List<Map<String, Object>>) container.get("env")).contains(Map.of("name", "TZ", "value", "UTC"));
        assertThat((List<Map<String, Object>>) container.get("volumeMounts"))
                .extracting(m -> m.get("mountPath"))
                .containsExactly("/flink-data", "/scratch");
        assertThat((List<Map<String, Object>>) at(fd, "spec.podTemplate.spec.volumes"))
                .extracting(v -> v.get("name"))
                .containsExactly("flink-state", "scratch");
    }
}
