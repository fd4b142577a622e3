package io.cxstream.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;

/** Prometheus text exposition format: scraping an endpoint, and picking metric families by name. */
public final class PrometheusText {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusText() {}

    /** GET http://127.0.0.1:{port}/metrics. */
    public static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics on port " + port + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    /** Only the samples, and their # HELP / # TYPE lines, of metric names containing {@code part}. */
    public static String familiesContaining(String text, String part) {
        return text.lines().filter(line -> nameOf(line).contains(part)).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String nameOf(String line) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
            String rest = line.substring(7);
            int space = rest.indexOf(' ');
            return space < 0 ? rest : rest.substring(0, space);
        }
        if (line.startsWith("#") || line.isBlank()) {
            return "";
        }
        int end = line.length();
        for (char c : new char[] {'{', ' '}) {
            int i = line.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return line.substring(0, end);
    }
}
