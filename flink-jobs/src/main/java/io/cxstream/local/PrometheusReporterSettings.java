package io.cxstream.local;

import io.cxstream.config.InvalidConfigException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * The two Prometheus reporters of the embedded MiniCluster, configured as on a cluster (Helm chart, README
 * "Metrics"):
 * <ul>
 *   <li>reporter {@code cx}, cx-stream's own ({@value #CX_FACTORY_CLASS}, module metrics-reporter): the job's
 *       {@code cx_*} metrics with clean names, labels and bucketed histograms, on {@code --metrics-port}
 *       (default {@value #DEFAULT_PORT});
 *   <li>reporter {@code prom}, Flink's ({@value #FLINK_FACTORY_CLASS}): Flink's own system metrics, with the job's
 *       {@code cx_*} metrics filtered out ({@value #FLINK_EXCLUDES}) so that they are not exported twice under
 *       Flink's folded names, on {@code --flink-metrics-port} (default {@value #DEFAULT_FLINK_PORT}).
 * </ul>
 * Port 0 leaves a reporter out.
 */
public final class PrometheusReporterSettings {
    /** cx-stream's reporter factory (metrics-reporter, listed in its META-INF/services). */
    public static final String CX_FACTORY_CLASS = "io.cxstream.metrics.prometheus.CxPrometheusReporterFactory";
    /** The reporter factory of flink-metrics-prometheus 2.2.1 (listed in its META-INF/services). */
    public static final String FLINK_FACTORY_CLASS = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** Flink's reporter leaves the job's metrics to ours. */
    public static final String FLINK_EXCLUDES = "*:cx_*";
    /** The demo's default ports, as on a cluster (Helm chart {@code metrics.port}, {@code metrics.flinkPort}). */
    public static final int DEFAULT_PORT = 9249;

    public static final int DEFAULT_FLINK_PORT = 9250;

    private PrometheusReporterSettings() {}

    /** The default of {@code --flink-metrics-port}: {@value #DEFAULT_FLINK_PORT}, or 0 when {@code --metrics-port 0} turns metrics off. */
    public static int defaultFlinkPort(int cxPort) {
        return cxPort == 0 ? 0 : DEFAULT_FLINK_PORT;
    }

    /**
     * Fails with a message naming {@code option} (e.g. {@code metrics-port}) if {@code port} cannot be bound on
     * this host (Flink would only log the reporter's failure and run without it). No-op for port 0.
     */
    public static void requireFree(String option, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new InvalidConfigException(
                    option,
                    "cannot serve Prometheus metrics on port " + port + " (" + e.getMessage()
                            + "); is it in use? Choose another port, or 0 to disable these metrics");
        }
    }

    /**
     * Enables cx-stream's reporter on {@code cxPort} and Flink's on {@code flinkPort} in {@code flink}; a port of 0
     * leaves that reporter out.
     */
    public static Configuration apply(Configuration flink, int cxPort, int flinkPort) {
        check(cxPort);
        check(flinkPort);
        if (cxPort > 0) {
            flink.set(key("metrics.reporter.cx.factory.class"), CX_FACTORY_CLASS);
            flink.set(key("metrics.reporter.cx.port"), Integer.toString(cxPort));
        }
        if (flinkPort > 0) {
            flink.set(key("metrics.reporter.prom.factory.class"), FLINK_FACTORY_CLASS);
            flink.set(key("metrics.reporter.prom.port"), Integer.toString(flinkPort));
            flink.set(
                    ConfigOptions.key("metrics.reporter.prom.filter.excludes")
                            .stringType()
                            .asList()
                            .noDefaultValue(),
                    List.of(FLINK_EXCLUDES));
        }
        return flink;
    }

    private static void check(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port must be 0 (disabled) or 1..65535, was " + port);
        }
    }

    private static ConfigOption<String> key(String key) {
        return ConfigOptions.key(key).stringType().noDefaultValue();
    }
}
