package io.cxstream.bench;

import java.util.List;
import java.util.Map;

/** The Markdown rendering of a result (the same numbers as the JSON file). */
final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> r) {
        Map<String, Object> env = (Map<String, Object>) r.get("environment");
        Map<String, Object> opts = (Map<String, Object>) r.get("options");
        Map<String, Object> limit = (Map<String, Object>) r.get("limit");
        Map<String, Object> tp = (Map<String, Object>) r.get("throughput");
        List<Map<String, Object>> lat = (List<Map<String, Object>>) r.get("latency");
        Map<String, Object> mem = (Map<String, Object>) r.get("memory");
        StringBuilder sb = new StringBuilder();
        sb.append("# cx-stream benchmark (").append(r.get("profile")).append(" profile, ").append(r.get("started")).append(")\n\n");
        sb.append("## Machine\n\n| cores | memory | max heap | Java | Flink | Kafka | OS |\n|---|---|---|---|---|---|---|\n");
        sb.append(String.format("| %s | %s MiB | %s MiB | %s | %s | %s | %s |%n%n", env.get("cores"), env.get("memory_total_mib"),
                env.get("max_heap_mib"), env.get("java"), env.get("flink"), env.get("kafka"), env.get("os")));
        sb.append(String.format("Run: %s customers, %s events preloaded, parallelism %s, %s, %s; broker, job and generator "
                        + "in one JVM on the same cores. Wall time %s s.%n%n", opts.get("customers"), opts.get("events"),
                opts.get("parallelism"), opts.get("state_backend"), opts.get("delivery_guarantee"), r.get("wall_time_s")));
        sb.append("## Limit (plain KafkaConsumer + WireCodec decode, no Flink)\n\n| events | preload events/s | read+decode s | read+decode events/s |\n|---|---|---|---|\n");
        sb.append(String.format("| %s | %s | %s | %s |%n%n", limit.get("events"), limit.get("preload_events_per_s"),
                limit.get("read_decode_s"), limit.get("read_decode_events_per_s")));
        sb.append("## Throughput (full job over the preloaded backlog)\n\n| events | submit→RUNNING s | source read all s | elapsed s | offsets committed s | events/s | ratio to limit | outputs |\n|---|---|---|---|---|---|---|---|\n");
        sb.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s |%n%n", tp.get("events"), tp.get("submit_to_running_s"),
                tp.get("source_read_s"), tp.get("elapsed_s"), tp.get("offsets_committed_s"), tp.get("events_per_s"), tp.get("ratio_to_limit"), tp.get("outputs")));
        sb.append("Method: ").append(tp.get("method")).append(".\n\n");
        sb.append("## Latency (event → alert, live at a fixed rate)\n\n| target events/s | achieved events/s | sent | outreach | recorded | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> l : lat) {
            sb.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", l.get("target_events_per_s"),
                    l.get("achieved_events_per_s"), l.get("sent"), l.get("outreach_received"), l.get("recorded"), l.get("p50_ms"),
                    l.get("p95_ms"), l.get("p99_ms"), l.get("max_ms")));
        }
        sb.append(String.format("%nLatency = time a consumer receives the outreach − its lastEvidenceTime (the Kafka timestamp of the "
                + "last evidence record). Excluded: alerts whose evidence falls in the first %s s (warm-up) and ERROR_THEN_ABANDON "
                + "(fires when its window expires, by design).%n%n", opts.get("latency_warmup_s")));
        sb.append("## Memory\n\n| peak heap MiB | peak RSS MiB (VmHWM) |\n|---|---|\n");
        sb.append(String.format("| %s | %s |%n%n%s.%n", mem.get("peak_heap_mib"), mem.get("peak_rss_mib"), mem.get("note")));
        return sb.toString();
    }
}
