package io.cxstream.local;

import io.cxstream.CxJob;
import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded stack of {@code ./cx demo|serve}: a Kafka broker (KRaft) with the job's topics, and the cx-stream job on
 * the Flink MiniCluster with its Prometheus reporters. {@link #startBroker} first, then {@link #startJob}; to stop,
 * {@link #cancelJob} and then {@link #close} (the broker). Prints its progress and every port it listens on.
 */
final class LocalStack implements AutoCloseable {
    // Named after CxLocal, which this was split from: the log file reads as before.
    private static final Logger LOG = LoggerFactory.getLogger(CxLocal.class);

    private final LocalSettings settings;
    private final PrintStream out;
    private final EmbeddedKafkaBroker broker;
    private JobClient job;

    private LocalStack(LocalSettings settings, PrintStream out, EmbeddedKafkaBroker broker) {
        this.settings = settings;
        this.out = out;
        this.broker = broker;
    }

    /** Starts the broker on {@code --kafka-port}; a port it cannot bind fails naming {@code kafka-port}. */
    static LocalStack startBroker(LocalSettings settings, PrintStream out) {
        int kafkaPort = settings.kafkaPort();
        out.printf(
                "cx-stream %s: starting Kafka (KRaft) on 127.0.0.1:%s ...%n",
                settings.mode(), kafkaPort == 0 ? "<any free port>" : kafkaPort);
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.builder().port(kafkaPort).start();
        } catch (RuntimeException e) {
            throw new InvalidConfigException(
                    "kafka-port",
                    "cannot start Kafka on port " + kafkaPort + " (" + e.getMessage()
                            + "); is it in use? Try --kafka-port 0 for any free port");
        }
        return new LocalStack(settings, out, broker);
    }

    /**
     * Creates the topics and starts the job on this broker, with its checkpoints in {@code .cx/checkpoints} unless
     * {@code checkpoint.dir} is set (earlier runs' are removed); returns once it is RUNNING, with the job's
     * configuration. {@code started} ({@link System#nanoTime()}) is when the run began, for the time it took.
     */
    CxConfig startJob(long started) throws Exception {
        Map<String, String> jobSettings = new LinkedHashMap<>(settings.jobSettings());
        jobSettings.put("bootstrap-servers", broker.bootstrapServers());
        if (!jobSettings.containsKey("checkpoint.dir")) {
            Path checkpoints = Path.of(".cx", "checkpoints").toAbsolutePath();
            LocalCheckpoints.removeOlderRuns(checkpoints, LocalCheckpoints.QUIET_FOR);
            jobSettings.put("checkpoint.dir", checkpoints.toUri().toString());
        }
        CxConfig config = CxConfig.fromMap(jobSettings, System.getenv());
        int parallelism = settings.parallelism();
        broker.createTopics(
                parallelism,
                config.interactionsTopic,
                config.feedbackTopic,
                config.consentsTopic,
                config.contactCenterTopic,
                config.marketingTopic,
                config.deadLetterTopic,
                config.rulesStatusTopic,
                config.voc.aggregatesTopic,
                config.voc.alertsTopic);
        broker.createTopics(parallelism, LoopDemo.topics(config));
        broker.createCompactedTopics(config.rulesTopic);

        String mode = settings.mode();
        int metricsPort = settings.metricsPort();
        int flinkMetricsPort = settings.flinkMetricsPort();
        PrometheusReporterSettings.requireFree("metrics-port", metricsPort);
        PrometheusReporterSettings.requireFree("flink-metrics-port", flinkMetricsPort);
        out.println(portsLine(mode, broker, metricsPort, flinkMetricsPort));
        Configuration flink =
                PrometheusReporterSettings.apply(CxJob.flinkConfiguration(config), metricsPort, flinkMetricsPort);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        CxJob.onKafka(config).build(env);
        job = env.executeAsync("cx-stream (" + mode + ")");
        waitUntilRunning();
        out.printf(
                "cx-stream %s: job %s running on the Flink MiniCluster (parallelism %d), %.1f s after start%n",
                mode, job.getJobID(), parallelism, (System.nanoTime() - started) / 1e9);
        if (metricsPort > 0) {
            out.printf(
                    "cx-stream %s: Prometheus metrics at http://127.0.0.1:%d/metrics (docs/metrics.md)%n",
                    mode, metricsPort);
        }
        if (flinkMetricsPort > 0) {
            out.printf("cx-stream %s: Flink's own metrics at http://127.0.0.1:%d/metrics%n", mode, flinkMetricsPort);
        }
        return config;
    }

    /** Every port this run listens on, in one line: Kafka's, its controller's, both metrics endpoints. */
    static String portsLine(String mode, EmbeddedKafkaBroker broker, int metricsPort, int flinkMetricsPort) {
        return String.format(
                "cx-stream %s: ports: Kafka %d (bootstrap %s), Kafka controller %d, cx metrics %s, Flink metrics %s",
                mode,
                broker.port(),
                broker.bootstrapServers(),
                broker.port(EmbeddedKafkaBroker.CONTROLLER_LISTENER),
                metricsPort > 0 ? Integer.toString(metricsPort) : "off",
                flinkMetricsPort > 0 ? Integer.toString(flinkMetricsPort) : "off");
    }

    /** The broker's address, for the clients of the run. */
    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The job's status now (after {@link #startJob}). */
    JobStatus jobStatus() throws Exception {
        return job.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    /** Cancels the job, if it was started; a failure is logged, not thrown. */
    void cancelJob() {
        if (job != null) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Cancelling the job failed", e);
            }
        }
    }

    /** Stops the broker. */
    @Override
    public void close() {
        broker.close();
    }

    private void waitUntilRunning() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JobStatus s = jobStatus();
            if (s == JobStatus.RUNNING) {
                return;
            }
            if (s.isGloballyTerminalState()) {
                throw new IllegalStateException(
                        "the job ended with status " + s + " before it ran; see .cx/logs/cx-local.log");
            }
            Thread.sleep(100); // polling the job status, not waiting for a result
        }
        throw new IllegalStateException("the job did not reach RUNNING within 60 s");
    }
}
