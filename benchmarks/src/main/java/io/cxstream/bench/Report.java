package io.cxstream.bench;

import java.util.List;
import java.util.Map;

/** The Markdown rendering of a result (the same numbers as the JSON file). */
@SuppressWarnings("unchecked")
final class Report {
    private Report() {}

    static String markdown(Map<String, Object> r) {
        Map<String, Object> opts = (Map<String, Object>) r.get("options");
        StringBuilder sb = new StringBuilder();
        sb.append("# cx-stream benchmark (")
                .append(r.get("profile"))
                .append(" profile, ")
                .append(r.get("started"))
                .append(")\n\n");
        machine(sb, r);
        sb.append(String.format(
                "Run: %s customers, %s events preloaded, RocksDB with incremental checkpoints every %s ms, "
                        + "phases %s; broker, job and generator in one JVM on the same cores. Wall time %s s.%n%n",
                opts.get("customers"),
                opts.get("events"),
                opts.get("checkpoint_interval_ms"),
                opts.get("phases"),
                r.get("wall_time_s")));
        if (r.containsKey("error")) {
            sb.append("**The run failed:** `")
                    .append(r.get("error"))
                    .append("` — the sections below hold what was measured before.\n\n");
        }
        Map<String, Object> limit = (Map<String, Object>) r.get("limit");
        if (limit != null) {
            sb.append(
                    "## Limit (plain KafkaConsumer + WireCodec decode, no Flink)\n\n| events | preload events/s | read+decode s | read+decode events/s |\n|---|---|---|---|\n");
            sb.append(String.format(
                    "| %s | %s | %s | %s |%n%n",
                    limit.get("events"),
                    limit.get("preload_events_per_s"),
                    limit.get("read_decode_s"),
                    limit.get("read_decode_events_per_s")));
        }
        List<Map<String, Object>> tp = (List<Map<String, Object>>) r.get("throughput");
        if (tp != null) {
            sb.append(
                    "## Throughput: highest sustained input rate, from pre-filled state\n\n| delivery | parallelism | drain events/s "
                            + "(customers with state) | paced runs on the drained job (× drain: target → achieved, lag slope/s, kept up) | **sustained events/s** | confirmed | ratio to limit | peak heap MiB | peak RSS MiB |\n"
                            + "|---|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> t : tp) {
                if (t.containsKey("error")) {
                    sb.append(String.format(
                            "| %s | %s | FAILED: %s | | | | | | |%n",
                            t.get("delivery_guarantee"), t.get("parallelism"), t.get("error")));
                    continue;
                }
                Map<String, Object> drain = (Map<String, Object>) t.get("drain");
                StringBuilder runs = new StringBuilder();
                for (Map<String, Object> c : (List<Map<String, Object>>) t.get("confirm_runs")) {
                    runs.append(runs.length() == 0 ? "" : "; ")
                            .append(String.format(
                                    "%s%s → %s, %s, %s",
                                    c.containsKey("fraction_of_drain") ? "×" + c.get("fraction_of_drain") + ": " : "",
                                    c.get("target_events_per_s"),
                                    c.get("achieved_events_per_s"),
                                    c.get("lag_slope_events_per_s"),
                                    Boolean.TRUE.equals(c.get("kept_up")) ? "yes" : "no"));
                }
                Map<String, Object> mem = (Map<String, Object>) t.get("memory");
                sb.append(String.format(
                        "| %s | %s | %s | %s | **%s** | %s | %s | %s | %s |%n",
                        t.get("delivery_guarantee"),
                        t.get("parallelism"),
                        drain.get("events_per_s")
                                + (drain.containsKey("customers_with_state")
                                        ? " (" + drain.get("customers_with_state") + ")"
                                        : ""),
                        runs,
                        t.get("sustained_events_per_s"),
                        t.get("sustained_confirmed"),
                        t.get("ratio_to_limit"),
                        mem == null ? "" : mem.get("peak_heap_used_mib"),
                        mem == null ? "" : mem.get("peak_rss_mib")));
            }
            tp.stream()
                    .filter(t -> t.containsKey("method"))
                    .findFirst()
                    .ifPresent(
                            t -> sb.append("\nMethod: ").append(t.get("method")).append(".\n"));
            sb.append('\n');
        }
        List<Map<String, Object>> lat = (List<Map<String, Object>>) r.get("latency");
        if (lat != null) {
            sb.append("## Latency (last evidence's Kafka timestamp → outreach received, paced at a fixed rate)\n\n"
                    + "| delivery | checkpoint ms | target events/s | achieved | sender max behind ms | outreach | recorded | p50 ms | p95 ms | p99 ms | max ms |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> l : lat) {
                if (l.containsKey("error")) {
                    sb.append(String.format(
                            "| %s | | %s | FAILED: %s | | | | | | | |%n",
                            l.get("delivery_guarantee"), l.get("target_events_per_s"), l.get("error")));
                    continue;
                }
                sb.append(String.format(
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        l.get("delivery_guarantee"),
                        l.get("checkpoint_interval_ms"),
                        l.get("target_events_per_s"),
                        l.get("achieved_events_per_s"),
                        l.get("generator_max_behind_ms"),
                        l.get("outreach_received"),
                        l.get("recorded"),
                        l.get("p50_ms"),
                        l.get("p95_ms"),
                        l.get("p99_ms"),
                        l.get("max_ms")));
            }
            sb.append(String.format(
                    "%nRates are %s of each guarantee's sustained maximum at parallelism %s (or --rates). The consumer "
                            + "reads with isolation.level=read_committed: in exactly-once an alert is visible only after the checkpoint that "
                            + "covers it (interval above). Coordinated omission: the paced sender never drops a slot and stamps every record "
                            + "with its intended send time, so a stall of the sender or the broker is counted in the latency of every event "
                            + "that should have been sent during it. Excluded: alerts whose evidence falls in the first %s s (warm-up) and "
                            + "ERROR_THEN_ABANDON (fires when its window expires, by design). Includes the detectors' event-time delay "
                            + "(watermark out-of-orderness, 2 s by default).%n%n",
                    opts.get("latency_rate_fractions"), opts.get("latency_parallelism"), opts.get("latency_warmup_s")));
        }
        List<Map<String, Object>> state = (List<Map<String, Object>>) r.get("state");
        if (state != null) {
            sb.append(
                    "## State scale (through the real job; profile minimal = one PAGE_VIEW per customer, typical = generated "
                            + "journeys)\n\n| customers | profile | customers with state | events | drain events/s | checkpoint full bytes "
                            + "| B/customer | checkpoint ms | RocksDB SST bytes | B/customer | RocksDB live B/customer | savepoint bytes | savepoint s "
                            + "| heap timers (per customer) | peak heap MiB | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> s : state) {
                if (s.containsKey("error")) {
                    sb.append(String.format(
                            "| %s | FAILED: %s | | | | | | | | | | | | | | |%n", s.get("customers"), s.get("error")));
                    continue;
                }
                Map<String, Object> mem = (Map<String, Object>) s.get("memory");
                Map<String, Object> timers = (Map<String, Object>) s.get("heap_timers");
                sb.append(String.format(
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        s.get("customers"),
                        s.getOrDefault("profile", "minimal"),
                        s.getOrDefault("customers_with_state", s.get("customers")),
                        s.get("events"),
                        s.get("drain_events_per_s"),
                        s.get("checkpoint_full_size_bytes"),
                        s.get("checkpoint_bytes_per_customer"),
                        s.get("checkpoint_duration_ms"),
                        s.get("rocksdb_sst_bytes"),
                        s.get("rocksdb_sst_bytes_per_customer"),
                        s.get("rocksdb_live_bytes_per_customer"),
                        s.get("savepoint_canonical_bytes"),
                        s.get("savepoint_duration_s"),
                        timers == null
                                ? "n/a"
                                : timers.get("total_timers") + " (" + s.get("heap_timers_per_customer") + ")",
                        mem.get("peak_heap_used_mib"),
                        mem.get("peak_rss_mib")));
            }
            sb.append('\n');
            for (Map<String, Object> s : state) {
                if (!s.containsKey("error")) {
                    sb.append(String.format(
                            "- %s customers (%s): RocksDB live bytes per customer with state, by operator/state: %s; "
                                    + "heap timers by operator: %s%n",
                            s.get("customers"),
                            s.getOrDefault("profile", "minimal"),
                            s.get("rocksdb_live_bytes_per_customer_by_state"),
                            s.containsKey("heap_timers") ? s.get("heap_timers") : s.get("heap_timers_error")));
                }
            }
            sb.append("\nMethod: ")
                    .append(state.stream()
                            .filter(s -> s.containsKey("method"))
                            .map(s -> s.get("method"))
                            .findFirst()
                            .orElse(StateScale.METHOD))
                    .append(
                            ". Checkpoint ms = the duration of that last "
                                    + "(incremental) checkpoint; the savepoint writes the full state. Heap/RSS: sampled every 0.5 s, whole process.\n\n");
        }
        List<Map<String, Object>> jmh = (List<Map<String, Object>>) r.get("jmh");
        if (jmh != null) {
            sb.append(
                    "## Microbenchmarks (JMH)\n\n| benchmark | params | mode | score | error | unit |\n|---|---|---|---|---|---|\n");
            for (Map<String, Object> j : jmh) {
                sb.append(String.format(
                        "| %s | %s | %s | %s | ± %s | %s |%n",
                        j.get("benchmark"),
                        j.get("params"),
                        j.get("mode"),
                        j.get("score"),
                        j.get("error"),
                        j.get("unit")));
            }
            sb.append('\n');
        }
        Map<String, Object> mem = (Map<String, Object>) r.get("memory");
        sb.append("## Memory (whole run)\n\n| peak heap MiB | peak RSS MiB (VmHWM) |\n|---|---|\n");
        sb.append(String.format(
                "| %s | %s |%n%n%s.%n", mem.get("peak_heap_mib"), mem.get("peak_rss_mib"), mem.get("note")));
        return sb.toString();
    }

    static String soakMarkdown(Map<String, Object> r) {
        Map<String, Object> opts = (Map<String, Object>) r.get("options");
        StringBuilder sb = new StringBuilder();
        sb.append("# cx-stream soak test (").append(r.get("started")).append(")\n\n");
        machine(sb, r);
        sb.append(String.format(
                "Run: %s s at %s events/s (achieved %s), state.ttl %s s, %s customer ids (churning), %s, "
                        + "checkpoints every %s ms, job settings %s. Wall time %s s.%n%n",
                opts.get("duration_s"),
                opts.get("events_per_s"),
                r.get("achieved_events_per_s"),
                opts.get("state_ttl_s"),
                opts.get("customer_id_space"),
                opts.get("delivery_guarantee"),
                opts.get("checkpoint_interval_ms"),
                opts.get("job_settings"),
                r.get("wall_time_s")));
        sb.append(
                "## Over time\n\n| t s | sent | lag | checkpoint bytes | checkpoint ms | RocksDB SST bytes | RocksDB live bytes "
                        + "| heap used MiB | heap live MiB (after full GC) | RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("samples")) {
            sb.append(String.format(
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    s.get("t_s"),
                    s.get("sent"),
                    s.get("lag"),
                    s.get("checkpoint_full_bytes"),
                    s.get("checkpoint_ms"),
                    s.get("rocksdb_sst_bytes"),
                    s.get("rocksdb_live_bytes"),
                    s.get("heap_used_mib"),
                    s.get("heap_live_mib"),
                    s.get("rss_mib")));
        }
        sb.append("\nRocksDB live data by operator at the end: ")
                .append(r.get("rocksdb_live_bytes_by_operator_at_end"))
                .append('\n');
        Map<String, Object> v = (Map<String, Object>) r.get("verdict");
        sb.append(String.format(
                "%n## Verdict: %s%n%n| series | middle third mean | last third mean | growth | flat |%n|---|---|---|---|---|%n",
                Boolean.TRUE.equals(v.get("flat"))
                        ? "flat"
                        : Boolean.FALSE.equals(v.get("flat")) ? "GROWING" : v.get("flat")));
        for (Map.Entry<String, Object> e : v.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> s) {
                sb.append(String.format(
                        "| %s | %s | %s | %s | %s |%n",
                        e.getKey(),
                        s.get("middle_third_mean"),
                        s.get("last_third_mean"),
                        s.get("growth"),
                        s.get("flat")));
            }
        }
        sb.append(String.format(
                "%nFlat = the last third's mean is at most %s above the middle third's (the first third is the ramp-up "
                        + "until the TTL expires state); the lag counts as flat if it grew by fewer than 1,000 records. %s%n",
                opts.get("tolerance"), v.getOrDefault("note", "")));
        return sb.toString();
    }

    private static void machine(StringBuilder sb, Map<String, Object> r) {
        Map<String, Object> env = (Map<String, Object>) r.get("environment");
        sb.append(
                "## Machine\n\n| cores | memory | max heap | Java | Flink | Kafka | OS | load avg at start |\n|---|---|---|---|---|---|---|---|\n");
        sb.append(String.format(
                "| %s | %s MiB | %s MiB | %s | %s | %s | %s | %s |%n%n",
                env.get("cores"),
                env.get("memory_total_mib"),
                env.get("max_heap_mib"),
                env.get("java"),
                env.get("flink"),
                env.get("kafka"),
                env.get("os"),
                env.get("load_average")));
    }
}
