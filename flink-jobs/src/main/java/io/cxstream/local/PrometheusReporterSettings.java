package io.cxstream.local;

import io.cxstream.config.InvalidConfigException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Turns on Flink's Prometheus reporter (flink-metrics-prometheus, the same one a cluster loads from
 * {@code plugins/}) for the embedded MiniCluster: every Flink and cx-stream metric is served at
 * {@code http://<host>:<port>/metrics}, operator metrics named
 * {@code flink_taskmanager_job_task_operator_<metric>}.
 *
 * <p>Keys as in Flink 2.2.1: reporter {@code prom} with
 * {@code metrics.reporter.prom.factory.class} = {@value #FACTORY_CLASS} and
 * {@code metrics.reporter.prom.port} (the factory's {@code port} argument; a single port or a range).
 */
public final class PrometheusReporterSettings {
    /** The reporter factory of flink-metrics-prometheus 2.2.1 (listed in its META-INF/services). */
    public static final String FACTORY_CLASS = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    public static final String FACTORY_KEY = "metrics.reporter.prom.factory.class";
    public static final String PORT_KEY = "metrics.reporter.prom.port";
    private static final ConfigOption<String> FACTORY = ConfigOptions.key(FACTORY_KEY).stringType().noDefaultValue();
    private static final ConfigOption<String> PORT = ConfigOptions.key(PORT_KEY).stringType().noDefaultValue();
    /** The demo's default port, as on a cluster (Helm chart {@code metrics.port}). */
    public static final int DEFAULT_PORT = 9249;

    private PrometheusReporterSettings() {}

    /**
     * Fails with a message naming {@code --metrics-port} if {@code port} cannot be bound on this host
     * (Flink would only log the reporter's failure and run without it). No-op for port 0.
     */
    public static void requireFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new InvalidConfigException("metrics-port", "cannot serve Prometheus metrics on port " + port + " ("
                    + e.getMessage() + "); is it in use? Choose another port, or 0 to disable metrics");
        }
    }

    /** Enables the reporter on {@code port} in {@code flink}; port 0 leaves the configuration untouched (disabled). */
    public static Configuration apply(Configuration flink, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port must be 0 (disabled) or 1..65535, was " + port);
        }
        if (port > 0) {
            flink.set(FACTORY, FACTORY_CLASS);
            flink.set(PORT, Integer.toString(port));
        }
        return flink;
    }
}
