package io.cxstream.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick profile end to end (a little shorter still, to spare a shared build machine): every phase
 * runs and both result files hold every section with positive numbers. No timing assertions.
 */
class BenchQuickIT {

    @Test
    void theQuickProfileWritesJsonAndMarkdownWithEverySection(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchOptions options = BenchOptions.parse("--quick", "--events", "20000", "--duration", "15s", "--warmup", "3s",
                "--out", dir.toString());

        List<Path> files = new BenchMain(options, out).run();

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(files).hasSize(2).allSatisfy(f -> assertThat(f).exists().isNotEmptyFile());
        String json = Files.readString(files.get(0));
        String md = Files.readString(files.get(1));
        assertThat(json).as(printed).contains("\"environment\"", "\"limit\"", "\"throughput\"", "\"latency\"", "\"memory\"");
        for (String key : List.of("read_decode_events_per_s", "events_per_s", "ratio_to_limit", "p50_ms", "p95_ms", "p99_ms",
                "max_ms", "recorded", "peak_heap_mib", "peak_rss_mib", "cores", "memory_total_mib")) {
            assertThat(number(json, key)).as(key + " in\n" + json).isPositive();
        }
        assertThat(json).contains("\"flink\": \"2.2.1\"");
        assertThat(md).contains("## Machine", "## Limit", "## Throughput", "## Latency", "## Memory", "p99 ms", "VmHWM");
        assertThat(printed).contains("limit: read + decoded", "after RUNNING", "latency @");
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.]+)").matcher(json);
        assertThat(m.find()).as("\"" + key + "\" in\n" + json).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
