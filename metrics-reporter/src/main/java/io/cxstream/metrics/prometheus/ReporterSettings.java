package io.cxstream.metrics.prometheus;

import java.util.Properties;

/**
 * The reporter's settings, read from its {@code metrics.reporter.<name>.*} keys (Flink passes them without the
 * prefix). Every bad value fails with an {@link IllegalArgumentException} that names the key.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #PORT}</td><td>{@value #DEFAULT_PORT}</td><td>HTTP port of {@code /metrics}; 0 picks a free port</td></tr>
 *   <tr><td>{@value #HOST}</td><td>all interfaces</td><td>address to bind</td></tr>
 *   <tr><td>{@value #PREFIX}</td><td>{@value #DEFAULT_PREFIX}</td><td>only metrics whose name starts with it are exported</td></tr>
 *   <tr><td>{@value #MAX_SERIES}</td><td>{@value #DEFAULT_MAX_SERIES}</td><td>series kept per metric name; later ones are
 *       dropped and counted in {@code cx_metrics_reporter_dropped_series_total}</td></tr>
 * </table>
 */
final class ReporterSettings {
    static final String PORT = "port";
    static final String HOST = "host";
    static final String PREFIX = "prefix";
    static final String MAX_SERIES = "max-series-per-metric";
    static final String DEFAULT_PREFIX = "cx_";
    /** Flink's own Prometheus reporter defaults to this port too: give it another one where both run. */
    static final int DEFAULT_PORT = 9249;

    static final int DEFAULT_MAX_SERIES = 1000;

    final int port;
    final String host;
    final String prefix;
    final int maxSeriesPerMetric;

    ReporterSettings(int port, String host, String prefix, int maxSeriesPerMetric) {
        this.port = port;
        this.host = host;
        this.prefix = prefix;
        this.maxSeriesPerMetric = maxSeriesPerMetric;
    }

    static ReporterSettings from(Properties properties) {
        String port = properties.getProperty(PORT, Integer.toString(DEFAULT_PORT));
        int p = integer(PORT, port);
        if (p < 0 || p > 65535) {
            throw bad(PORT, port, "must be a port 1..65535, or 0 for any free port");
        }
        String host = properties.getProperty(HOST, "").trim();
        String prefix = properties.getProperty(PREFIX, DEFAULT_PREFIX).trim();
        if (!prefix.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw bad(PREFIX, prefix, "must start a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        String max = properties.getProperty(MAX_SERIES);
        int maxSeries = max == null ? DEFAULT_MAX_SERIES : integer(MAX_SERIES, max);
        if (maxSeries < 1) {
            throw bad(MAX_SERIES, max, "must be at least 1");
        }
        return new ReporterSettings(p, host.isEmpty() ? null : host, prefix, maxSeries);
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(key, value, "is not an integer");
        }
    }

    private static IllegalArgumentException bad(String key, String value, String problem) {
        return new IllegalArgumentException(
                "metrics.reporter.<name>." + key + (value == null ? "" : " = '" + value + "'") + " " + problem);
    }
}
