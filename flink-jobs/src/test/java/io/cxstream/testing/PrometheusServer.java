package io.cxstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (the {@code prometheus} binary of the Debian package) scraping local targets
 * every second, with its TSDB in a temporary directory, and a client of its HTTP query API.
 * {@link #close()} stops the process.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Starts {@code binary} scraping {@code 127.0.0.1:<port>/metrics} of each target port; returns once it reports ready. */
    public PrometheusServer(Path binary, Path workDir, int... targetPorts) throws IOException, InterruptedException {
        this.port = FreePort.find();
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "  scrape_timeout: 1s",
                        "  evaluation_interval: 1s",
                        "scrape_configs:",
                        "  - job_name: cx-stream",
                        "    static_configs:",
                        "      - targets: ["
                                + Arrays.stream(targetPorts)
                                        .mapToObj(p -> "'127.0.0.1:" + p + "'")
                                        .collect(Collectors.joining(", "))
                                + "]",
                        ""));
        this.log = workDir.resolve("prometheus.log");
        this.process = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + workDir.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            Poll.until(
                    "Prometheus to be ready on port " + port + " (log: " + log + ")",
                    Duration.ofSeconds(30),
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "prometheus exited with " + process.exitValue() + ": " + logTail());
                        }
                        return get("/-/ready").statusCode();
                    },
                    status -> status == 200);
        } catch (AssertionError | RuntimeException e) {
            close();
            throw new IllegalStateException("Prometheus did not start: " + e.getMessage() + "\n" + logTail(), e);
        }
    }

    /**
     * Runs an instant PromQL query; returns each result series' value keyed by its labels (without
     * {@code __name__}) as {@code {k=v, ...}}, e.g. {@code {reason=SCORE_OUT_OF_RANGE}} → 2.0.
     */
    public Map<String, Double> query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200
                || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException(
                    "query " + promql + " failed (HTTP " + response.statusCode() + "): " + response.body());
        }
        Map<String, Double> values = new HashMap<>();
        for (JsonNode series : body.path("data").path("result")) {
            Map<String, String> labels = new java.util.TreeMap<>();
            series.path("metric").fields().forEachRemaining(f -> {
                if (!"__name__".equals(f.getKey())) {
                    labels.put(f.getKey(), f.getValue().asText());
                }
            });
            values.put(
                    labels.toString(),
                    Double.parseDouble(series.path("value").get(1).asText()));
        }
        return values;
    }

    /** The last lines of Prometheus' own log, for failure messages. */
    public String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() <= 3000 ? text : "…" + text.substring(text.length() - 3000);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
