package io.cxstream.local;

import io.cxstream.config.InvalidConfigException;

import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code ./cx demo} and {@code ./cx serve} run with: the command's own options, read and checked, and every other
 * {@code --key value} as a job setting on top of the local defaults. A value that does not parse, or a port out of
 * range, fails with an {@link InvalidConfigException} that names its option.
 *
 * @param mode {@code demo} or {@code serve}
 * @param duration {@code --duration}; null: until Ctrl-C
 * @param rate {@code --rate}: the demo's events a second (200)
 * @param customers {@code --customers}: the demo's synthetic customers (20000)
 * @param kafkaPort {@code --kafka-port} (9092; 0: any free port)
 * @param metricsPort {@code --metrics-port}: cx-stream's Prometheus reporter
 *     ({@value PrometheusReporterSettings#DEFAULT_PORT}; 0 disables)
 * @param flinkMetricsPort {@code --flink-metrics-port}: Flink's ({@value PrometheusReporterSettings#DEFAULT_FLINK_PORT},
 *     or 0 when {@code --metrics-port} is 0)
 * @param parallelism {@code --parallelism} of the job, and the topics' partitions (2)
 * @param summaryEvery {@code --summary-every} (10 s)
 * @param vocDegradeAfter {@code --voc-degrade-after}: when the demo's degrading touchpoint (VocSurveys.DEGRADING) gets
 *     worse (3 min)
 * @param vocRate {@code --voc-rate}: the demo's live survey answers an hour per touchpoint (3600)
 * @param jobSettings the job's settings, unmodifiable: {@link #LOCAL_DEFAULTS}, the mode's defaults, then the arguments
 */
record LocalSettings(
        String mode,
        Duration duration,
        double rate,
        long customers,
        int kafkaPort,
        int metricsPort,
        int flinkMetricsPort,
        int parallelism,
        Duration summaryEvery,
        Duration vocDegradeAfter,
        double vocRate,
        Map<String, String> jobSettings) {

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

    /** Reads {@code args} (the {@code --key value} pairs after the mode), the command's options in a fixed order. */
    static LocalSettings parse(String mode, Map<String, String> args) {
        Map<String, String> rest = new LinkedHashMap<>(args);
        String d = rest.remove("duration");
        Duration duration = d == null ? null : parseDuration("duration", d);
        double rate = parseDouble("rate", rest.remove("rate"), 200);
        long customers = (long) parseDouble("customers", rest.remove("customers"), 20_000);
        int kafkaPort = (int) parseDouble("kafka-port", rest.remove("kafka-port"), 9092);
        int metricsPort =
                (int) parseDouble("metrics-port", rest.remove("metrics-port"), PrometheusReporterSettings.DEFAULT_PORT);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new InvalidConfigException(
                    "metrics-port", "must be 0 (disabled) or a port 1..65535, was " + metricsPort);
        }
        int flinkMetricsPort = (int) parseDouble(
                "flink-metrics-port",
                rest.remove("flink-metrics-port"),
                PrometheusReporterSettings.defaultFlinkPort(metricsPort));
        if (flinkMetricsPort < 0 || flinkMetricsPort > 65535) {
            throw new InvalidConfigException(
                    "flink-metrics-port", "must be 0 (disabled) or a port 1..65535, was " + flinkMetricsPort);
        }
        int parallelism = (int) parseDouble("parallelism", rest.remove("parallelism"), 2);
        String s = rest.remove("summary-every");
        Duration summaryEvery = s == null ? Duration.ofSeconds(10) : parseDuration("summary-every", s);
        String degrade = rest.remove("voc-degrade-after");
        Duration vocDegradeAfter =
                degrade == null ? Duration.ofMinutes(3) : parseDuration("voc-degrade-after", degrade);
        double vocRate = parseDouble("voc-rate", rest.remove("voc-rate"), 3600);
        Map<String, String> jobSettings = new LinkedHashMap<>(LOCAL_DEFAULTS);
        if ("serve".equals(mode)) {
            jobSettings.putAll(SERVE_DEFAULTS);
        } else if ("demo".equals(mode)) {
            jobSettings.putAll(DEMO_DEFAULTS);
        }
        jobSettings.putAll(rest);
        return new LocalSettings(
                mode,
                duration,
                rate,
                customers,
                kafkaPort,
                metricsPort,
                flinkMetricsPort,
                parallelism,
                summaryEvery,
                vocDegradeAfter,
                vocRate,
                Collections.unmodifiableMap(jobSettings));
    }

    /** True in {@code ./cx demo}: the generator runs, and the contact center answers. */
    boolean demo() {
        return "demo".equals(mode);
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
