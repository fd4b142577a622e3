package io.cxstream.local;

import io.cxstream.CxJob;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default: a real Kafka broker (KRaft), the cx-stream job on the Flink MiniCluster and,
 * in {@code demo} mode, synthetic customers — everything in this one JVM. Started by {@code ./cx}.
 *
 * <ul>
 *   <li>{@code demo}: broker + job + generator; prints each outreach and a running summary.
 *   <li>{@code serve}: broker + job on a known port, for your own events.
 *   <li>{@code voc}: the Voice-of-the-Customer view of a running demo or serve ({@link VocView}).
 *   <li>{@code options}: the job's settings as a Markdown table.
 * </ul>
 * Options of its own: {@code --duration}, {@code --rate}, {@code --customers}, {@code --kafka-port},
 * {@code --metrics-port} (cx-stream's Prometheus reporter, default {@value PrometheusReporterSettings#DEFAULT_PORT},
 * 0 disables), {@code --flink-metrics-port} (Flink's, default {@value PrometheusReporterSettings#DEFAULT_FLINK_PORT},
 * or 0 when {@code --metrics-port} is 0),
 * {@code --parallelism}, {@code --summary-every}, {@code --voc-degrade-after} (3 min) and
 * {@code --voc-rate} (3600 survey answers an hour per touchpoint); every other {@code --key value} is a job setting.
 * Ctrl-C or the end of {@code --duration} stops it cleanly.
 */
public final class CxLocal {
    private static final Logger LOG = LoggerFactory.getLogger(CxLocal.class);

    /** Demo-friendly overrides of the job's defaults: shorter windows so every detector shows within minutes. */
    static final Map<String, String> LOCAL_DEFAULTS = Map.of(
            "checkpoint.interval", "5 s",
            "detect.abandonment.window", "1 min",
            "outreach.cooldown", "10 min",
            // The broker is fresh on every run: earliest skips nothing, not even events sent before the job was up.
            "starting-offsets", "earliest",
            // Local topics are often quiet (a few events sent by hand): event time follows the clock after 2 s.
            "watermark.idleness", "2 s",
            // The closed loop, on a local time scale: SLAs in seconds, a cap, a 2 min follow-up.
            "outreach.lifecycle.enabled", "true",
            "outreach.sla.contact-center", "P1=30 s;P2=1 min;P3=2 min",
            "outreach.cap.contact-center", "2",
            "outreach.recovery.period", "2 min");
    /** {@code demo} on top of {@link #LOCAL_DEFAULTS}: a 20 % holdout, so the summary can compare recovery. */
    static final Map<String, String> DEMO_DEFAULTS = Map.of("outreach.holdout-percent", "20");
    /** {@code serve} on top of {@link #LOCAL_DEFAULTS}: outputs as JSON, so kcat prints them readably. */
    static final Map<String, String> SERVE_DEFAULTS = Map.of("output-format", "json");

    private final PrintStream out;
    private final String mode;
    private final Duration duration;
    private final double rate;
    private final long customers;
    private final int kafkaPort;
    private final int metricsPort;
    private final int flinkMetricsPort;
    private final int parallelism;
    private final Duration summaryEvery;
    /** Demo: when the generator's degrading touchpoint (VocSurveys.DEGRADING) gets worse. */
    private final Duration vocDegradeAfter;
    /** Demo: live survey answers an hour per touchpoint. */
    private final double vocRate;

    private final Map<String, String> jobSettings;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    CxLocal(String mode, Map<String, String> args, PrintStream out) {
        this.out = out;
        this.mode = mode;
        Map<String, String> rest = new LinkedHashMap<>(args);
        String d = rest.remove("duration");
        this.duration = d == null ? null : parseDuration("duration", d);
        this.rate = parseDouble("rate", rest.remove("rate"), 200);
        this.customers = (long) parseDouble("customers", rest.remove("customers"), 20_000);
        this.kafkaPort = (int) parseDouble("kafka-port", rest.remove("kafka-port"), 9092);
        this.metricsPort =
                (int) parseDouble("metrics-port", rest.remove("metrics-port"), PrometheusReporterSettings.DEFAULT_PORT);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new InvalidConfigException(
                    "metrics-port", "must be 0 (disabled) or a port 1..65535, was " + metricsPort);
        }
        this.flinkMetricsPort = (int) parseDouble(
                "flink-metrics-port",
                rest.remove("flink-metrics-port"),
                PrometheusReporterSettings.defaultFlinkPort(metricsPort));
        if (flinkMetricsPort < 0 || flinkMetricsPort > 65535) {
            throw new InvalidConfigException(
                    "flink-metrics-port", "must be 0 (disabled) or a port 1..65535, was " + flinkMetricsPort);
        }
        this.parallelism = (int) parseDouble("parallelism", rest.remove("parallelism"), 2);
        String s = rest.remove("summary-every");
        this.summaryEvery = s == null ? Duration.ofSeconds(10) : parseDuration("summary-every", s);
        String degrade = rest.remove("voc-degrade-after");
        this.vocDegradeAfter = degrade == null ? Duration.ofMinutes(3) : parseDuration("voc-degrade-after", degrade);
        this.vocRate = parseDouble("voc-rate", rest.remove("voc-rate"), 3600);
        this.jobSettings = new LinkedHashMap<>(LOCAL_DEFAULTS);
        if ("serve".equals(mode)) {
            this.jobSettings.putAll(SERVE_DEFAULTS);
        } else if ("demo".equals(mode)) {
            this.jobSettings.putAll(DEMO_DEFAULTS);
        }
        this.jobSettings.putAll(rest);
    }

    /** The job settings this run starts with: the local defaults, then the arguments. */
    Map<String, String> jobSettings() {
        return Map.copyOf(jobSettings);
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 ? "demo" : args[0];
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        int status;
        try {
            if ("options".equals(mode)) {
                System.out.print(OptionsTable.markdown());
                return;
            }
            if ("voc".equals(mode)) {
                System.exit(VocView.run(CxConfig.parseArgs(rest), System.out));
                return;
            }
            if (!"demo".equals(mode) && !"serve".equals(mode)) {
                throw new InvalidConfigException(mode, "unknown mode; use demo, serve, voc or options");
            }
            status = new CxLocal(mode, CxConfig.parseArgs(rest), System.out).run();
        } catch (InvalidConfigException e) {
            System.err.println("cx: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Runs until Ctrl-C, the end of --duration, or the job's end; returns the exit status. */
    int run() throws Exception {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopRequested.countDown();
                            try {
                                stopped.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "cx-local-shutdown"));

        long started = System.nanoTime();
        out.printf(
                "cx-stream %s: starting Kafka (KRaft) on 127.0.0.1:%s ...%n",
                mode, kafkaPort == 0 ? "<any free port>" : kafkaPort);
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.builder().port(kafkaPort).start();
        } catch (RuntimeException e) {
            throw new InvalidConfigException(
                    "kafka-port",
                    "cannot start Kafka on port " + kafkaPort + " (" + e.getMessage()
                            + "); is it in use? Try --kafka-port 0 for any free port");
        }
        DemoFeed feed = null;
        VocPrinter vocPrinter = null;
        AlertPrinter printer = null;
        LoopDemo loop = null;
        JobClient job = null;
        int status = 0;
        try {
            jobSettings.put("bootstrap-servers", broker.bootstrapServers());
            if (!jobSettings.containsKey("checkpoint.dir")) {
                Path checkpoints = Path.of(".cx", "checkpoints").toAbsolutePath();
                LocalCheckpoints.removeOlderRuns(checkpoints, LocalCheckpoints.QUIET_FOR);
                jobSettings.put("checkpoint.dir", checkpoints.toUri().toString());
            }
            CxConfig config = CxConfig.fromMap(jobSettings, System.getenv());
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

            PrometheusReporterSettings.requireFree("metrics-port", metricsPort);
            PrometheusReporterSettings.requireFree("flink-metrics-port", flinkMetricsPort);
            out.println(portsLine(mode, broker, metricsPort, flinkMetricsPort));
            Configuration flink =
                    PrometheusReporterSettings.apply(CxJob.flinkConfiguration(config), metricsPort, flinkMetricsPort);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            env.setParallelism(parallelism);
            CxJob.onKafka(config).build(env);
            job = env.executeAsync("cx-stream (" + mode + ")");
            waitUntilRunning(job);
            out.printf(
                    "cx-stream %s: job %s running on the Flink MiniCluster (parallelism %d), %.1f s after start%n",
                    mode, job.getJobID(), parallelism, (System.nanoTime() - started) / 1e9);
            if (metricsPort > 0) {
                out.printf(
                        "cx-stream %s: Prometheus metrics at http://127.0.0.1:%d/metrics (docs/metrics.md)%n",
                        mode, metricsPort);
            }
            if (flinkMetricsPort > 0) {
                out.printf(
                        "cx-stream %s: Flink's own metrics at http://127.0.0.1:%d/metrics%n", mode, flinkMetricsPort);
            }

            printer = new AlertPrinter(
                    broker.bootstrapServers(), List.of(config.contactCenterTopic, config.marketingTopic), out);
            Thread printerThread = new Thread(printer, "alert-printer");
            printerThread.setDaemon(true);
            printerThread.start();

            loop = LoopDemo.start(config, broker.bootstrapServers(), out, "demo".equals(mode));
            if (config.voc.enabled) {
                vocPrinter = new VocPrinter(
                        broker.bootstrapServers(), config.voc.aggregatesTopic, config.voc.alertsTopic, out, false);
                Thread vocThread = new Thread(vocPrinter, "voc-printer");
                vocThread.setDaemon(true);
                vocThread.start();
            }
            if ("demo".equals(mode)) {
                feed = DemoFeed.start(
                        config, broker.bootstrapServers(), rate, customers, vocRate, vocDegradeAfter, out);
            } else {
                out.printf(
                        "%ncx-stream serve: Kafka at %s, topics %s, %s, %s (input) and %s, %s, %s (output); "
                                + "rules on %s, their status on %s.%n"
                                + "Send JSON or Avro events (README: \"Send your own events\"); output topics carry %s; outreach appears below. Ctrl-C to stop.%n%n",
                        broker.bootstrapServers(),
                        config.interactionsTopic,
                        config.feedbackTopic,
                        config.consentsTopic,
                        config.contactCenterTopic,
                        config.marketingTopic,
                        config.deadLetterTopic,
                        config.rulesTopic,
                        config.rulesStatusTopic,
                        config.outputFormat == WireFormat.JSON ? "JSON (--output-format avro for Avro)" : "Avro");
            }

            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while (!stopRequested.await(
                    Math.min(summaryEvery.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                    TimeUnit.MILLISECONDS)) {
                JobStatus jobStatus = job.getJobStatus().get(10, TimeUnit.SECONDS);
                if (jobStatus.isGloballyTerminalState()) {
                    out.println("cx-stream: the job ended with status " + jobStatus + " (see .cx/logs/cx-local.log)");
                    status = 1;
                    break;
                }
                out.println(summary(feed, printer, started));
                if (vocPrinter != null) {
                    out.println("         " + vocPrinter.summary());
                }
                if (!loop.summary().isEmpty()) {
                    out.println(loop.summary());
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
            out.println();
            out.println("cx-stream: stopping ...");
            out.println(summary(feed, printer, started));
            if (loop != null && !loop.summary().isEmpty()) {
                out.println(loop.summary());
            }
            return status;
        } finally {
            if (feed != null) {
                feed.close();
            }
            if (vocPrinter != null) {
                vocPrinter.close();
            }
            if (loop != null) {
                loop.close();
            }
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("Cancelling the job failed", e);
                }
            }
            if (printer != null) {
                printer.close();
            }
            broker.close();
            out.println("cx-stream: stopped.");
            out.flush();
            stopped.countDown();
        }
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

    private static void waitUntilRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JobStatus s = job.getJobStatus().get(10, TimeUnit.SECONDS);
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

    private String summary(DemoFeed feed, AlertPrinter printer, long started) {
        long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);
        String sent = feed == null ? "" : String.format("sent %d events | ", feed.sent());
        return String.format("[%4d s] %s%s", seconds, sent, printer == null ? "" : printer.summary());
    }

    private static Duration parseDuration(String key, String value) {
        try {
            return TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key, "not a duration: '" + value + "' (e.g. 90s, 2min, 1h)");
        }
    }

    private static double parseDouble(String key, String value, double def) {
        if (value == null) {
            return def;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "not a number: '" + value + "'");
        }
    }
}
