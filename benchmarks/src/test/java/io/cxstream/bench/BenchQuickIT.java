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
 * but JMH runs, in both delivery guarantees, and both result files hold every section with positive
 * numbers. No timing assertions (whether a confirmation run "kept up" depends on the machine's load).
 */
class BenchQuickIT {

    @Test
    void theQuickProfileWritesJsonAndMarkdownWithEverySection(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchOptions options = BenchOptions.parse(
                "--quick",
                "--events",
                "10000",
                "--duration",
                "8s",
                "--warmup",
                "2s",
                "--confirm-duration",
                "5s",
                "--state-customers",
                "3000",
                "--out",
                dir.toString());

        List<Path> files = new BenchMain(options, out).run();

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(files).hasSize(2).allSatisfy(f -> assertThat(f).exists().isNotEmptyFile());
        String json = Files.readString(files.get(0));
        String md = Files.readString(files.get(1));
        assertThat(json)
                .as(printed)
                .contains("\"environment\"", "\"limit\"", "\"throughput\"", "\"latency\"", "\"state\"", "\"memory\"")
                .doesNotContain("\"error\"");
        for (String key : List.of(
                "read_decode_events_per_s",
                "events_per_s",
                "sustained_events_per_s",
                "ratio_to_limit",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "max_ms",
                "recorded",
                "checkpoint_full_size_bytes",
                "checkpoint_bytes_per_customer",
                "rocksdb_dir_bytes",
                "savepoint_canonical_bytes",
                "peak_heap_used_mib",
                "peak_heap_mib",
                "peak_rss_mib",
                "cores",
                "memory_total_mib")) {
            assertThat(number(json, key)).as(key + " in\n" + json).isPositive();
        }
        // A few thousand customers can fit in RocksDB's memtables (512 MiB managed memory locally): no SST yet.
        assertThat(number(json, "rocksdb_sst_bytes_per_customer"))
                .as("rocksdb_sst_bytes_per_customer")
                .isNotNegative();
        // both delivery guarantees, in throughput and in latency (two runs each at parallelism 1)
        assertThat(count(json, "\"delivery_guarantee\": \"exactly-once\""))
                .as(json)
                .isEqualTo(2);
        assertThat(count(json, "\"delivery_guarantee\": \"at-least-once\""))
                .as(json)
                .isEqualTo(2);
        assertThat(json).contains("\"flink\": \"2.2.1\"", "\"checkpoint_interval_ms\": 1000", "\"customers\": 3000");
        // sustained from the drained job's state, the first paced run above the drain rate; heap timers counted
        assertThat(json)
                .contains(
                        "\"sustained_from_prefilled_state\": true",
                        "\"fraction_of_drain\": 1.1",
                        "\"sustained_is_lower_bound\"",
                        "\"sustain_refine\": 2",
                        "\"customers_with_state\"",
                        "\"heap_timers\"",
                        "\"rocksdb_live_bytes_per_customer_by_state\"")
                .doesNotContain("heap_timers_error");
        assertThat(number(json, "total_timers")).as("total_timers").isNotNegative();
        // each drain's CPU: the process's and the journey task thread's (digits folded)
        assertThat(number(json, "process_cpu_s")).as("process_cpu_s").isPositive();
        assertThat(json).contains("\"journey -> ");
        // each paced attempt's CPU, the generator's own thread included (it ends before the attempt is read)
        assertThat(number(json, "generator_thread_cpu_s"))
                .as("generator_thread_cpu_s")
                .isPositive();
        assertThat(number(json, "process_cores")).as("process_cores").isPositive();
        // the state caches' counters (drain and attempts) and, in each attempt, how far the watermarks trail the clock
        assertThat(number(json, "hits")).as("journey cache hits in the drain").isPositive();
        assertThat(number(json, "hit_rate")).as("hit_rate").isBetween(0.0, 1.0);
        assertThat(json)
                .containsPattern("\"watermark_delay_ms\": \\{\\s*\"journey\": \\{\\s*\"mean\": -?[0-9]+")
                .containsPattern("\"outreach-decision\": \\{\\s*\"mean\": -?[0-9]+");
        // the checkpoints completed in each drain and attempt, per task, from Flink's checkpoint spans: the journey
        // task (named as its metric groups name it) took part, with its synchronous and asynchronous durations
        assertThat(json)
                .containsPattern(
                        "(?s)\"checkpoints_by_task\": \\{.*?\"journey -> [^\"]*\": \\{\\s*\"checkpoints\": [1-9]")
                .contains("\"sync_ms_total\"", "\"sync_ms_max\"", "\"async_ms_max\"");
        assertThat(md)
                .contains(
                        "## Machine",
                        "## Limit",
                        "## Throughput",
                        "## Latency",
                        "## State scale",
                        "## Memory",
                        "p99 ms",
                        "VmHWM",
                        "| exactly-once | 1 |",
                        "| at-least-once | 1 |");
        assertThat(printed)
                .contains(
                        "limit: read + decoded",
                        "after RUNNING",
                        "sustain exactly-once p1",
                        "latency exactly-once @",
                        "latency at-least-once @",
                        "state 3,000 customers: checkpoint");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.]+)").matcher(json);
        assertThat(m.find()).as("\"" + key + "\" in\n" + json).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
