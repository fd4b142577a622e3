package io.cxstream.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The metrics the harness polls, per job name, read through Flink's {@link InMemoryReporter} (the MiniCluster runs in
 * this JVM): the Kafka source reader's {@code currentOffset} gauges (offset of the last record read, per partition),
 * every operator's {@code numRecordsIn} counter, the job's checkpoint gauges and RocksDB's native gauges. Only running
 * tasks' metrics are kept (a restarted task's replace its predecessor's). Registered through {@link #configure}.
 */
final class JobProgress {
    static final String JOB_NAME = "<job_name>";
    private static final String OPERATOR_NAME = "<operator_name>";
    /** The job-level checkpoint metrics kept (Flink's names). */
    static final Set<String> CHECKPOINT_METRICS = Set.of(
            "lastCheckpointSize",
            "lastCheckpointFullSize",
            "lastCheckpointDuration",
            "numberOfCompletedCheckpoints",
            "numberOfFailedCheckpoints");
    /**
     * One reporter per job: each job runs on a MiniCluster of its own, which closes its reporter when it shuts down
     * (a closed InMemoryReporter forgets its metrics and cannot serve another MiniCluster).
     */
    private static final List<InMemoryReporter> REPORTERS = new CopyOnWriteArrayList<>();

    private JobProgress() {}

    /**
     * Adds the reporter to a Flink configuration, and switches on the RocksDB native metrics the
     * state phases read (total SST bytes and RocksDB's estimate of live data, per column family).
     */
    static void configure(Configuration conf) {
        InMemoryReporter reporter = InMemoryReporter.create();
        REPORTERS.add(reporter);
        reporter.addToConfiguration(conf);
        conf.setString("state.backend.rocksdb.metrics.total-sst-files-size", "true");
        conf.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        conf.setString("state.backend.rocksdb.metrics.cur-size-all-mem-tables", "true");
        // the column family (= the state's name: journey, rules, cooldown, ...) as a variable, for sizes per state
        conf.setString("state.backend.rocksdb.metrics.column-family-as-variable", "true");
    }

    /** Calls {@code action} with every metric of the job {@code job} and its group. */
    private static void forEachMetric(String job, BiConsumer<MetricGroup, Map.Entry<String, Metric>> action) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : REPORTERS.stream()
                .flatMap(r -> r.getMetricsByGroup().entrySet().stream())
                .toList()) {
            if (job.equals(group.getKey().getAllVariables().get(JOB_NAME))) {
                group.getValue().entrySet().forEach(metric -> action.accept(group.getKey(), metric));
            }
        }
    }

    private static long number(Metric metric) {
        return metric instanceof Gauge<?> g && g.getValue() instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    /** A job-level checkpoint gauge (see {@link #CHECKPOINT_METRICS}); -1 if not (yet) known. */
    static long checkpointMetric(String job, String name) {
        long[] value = {-1};
        forEachMetric(job, (group, metric) -> {
            if (metric.getKey().equals(name)
                    && !group.getAllVariables().containsKey(OPERATOR_NAME)
                    && number(metric.getValue()) != Long.MIN_VALUE) {
                value[0] = number(metric.getValue());
            }
        });
        return value[0];
    }

    /**
     * Sum of a RocksDB native gauge (e.g. {@code total-sst-files-size}) over every stateful operator,
     * subtask and column family of the job, grouped by operator name ({@code "total"} = all); empty if none.
     */
    static Map<String, Long> rocksDb(String job, String property) {
        return rocksDbGrouped(job, property, false);
    }

    /**
     * Sum of a RocksDB native gauge over subtasks, grouped by operator and column family ({@code "journey/rules"}:
     * the column family is the state's name), plus {@code "total"}; empty if none.
     */
    static Map<String, Long> rocksDbByState(String job, String property) {
        return rocksDbGrouped(job, property, true);
    }

    private static Map<String, Long> rocksDbGrouped(String job, String property, boolean byState) {
        Map<String, Long> grouped = new TreeMap<>();
        long[] total = {0};
        boolean[] anyRocksDb = {false};
        forEachMetric(job, (group, metric) -> {
            String operator = group.getAllVariables().get(OPERATOR_NAME);
            String id = group.getMetricIdentifier(metric.getKey());
            if (operator == null || !id.contains("rocksdb") || !(metric.getValue() instanceof Gauge)) {
                return;
            }
            anyRocksDb[0] = true;
            long value = number(metric.getValue());
            if (!id.endsWith(property) || value == Long.MIN_VALUE) {
                return;
            }
            String family = group.getAllVariables().getOrDefault("<column_family>", "?");
            grouped.merge(byState ? operator + "/" + family : operator, value, Long::sum);
            total[0] += value;
        });
        if (anyRocksDb[0]) {
            grouped.put("total", total[0]);
        }
        return grouped;
    }

    /**
     * Records read by the job's Kafka sources so far: the sum over partitions of {@code currentOffset + 1}, -1 if
     * unknown. These are <em>absolute</em> offsets (a partition counts from offset 0 even if the source started
     * later, e.g. restored or after a drain), and a partition the source has not read a record from yet reports -1
     * and counts 0: subtract the end offsets at the start (see {@link PrefilledSustain}) rather than compare with
     * what a run sent.
     */
    static long recordsRead(String job) {
        long[] sum = {0};
        boolean[] seen = {false};
        forEachMetric(job, (group, metric) -> {
            if (metric.getKey().equals("currentOffset")
                    && metric.getValue() instanceof Gauge
                    && group.getMetricIdentifier(metric.getKey()).contains("KafkaSourceReader")) {
                seen[0] = true;
                long offset = number(metric.getValue());
                if (offset >= 0) {
                    sum[0] += offset + 1;
                }
            }
        });
        return seen[0] ? sum[0] : -1;
    }

    /** Sum over operators and subtasks of each named counter (e.g. a state cache's hits); 0 for a name not registered. */
    static Map<String, Long> counters(String job, List<String> names) {
        Map<String, Long> sums = new TreeMap<>();
        names.forEach(n -> sums.put(n, 0L));
        forEachMetric(job, (group, metric) -> {
            if (sums.containsKey(metric.getKey()) && metric.getValue() instanceof Counter counter) {
                sums.merge(metric.getKey(), counter.getCount(), Long::sum);
            }
        });
        return sums;
    }

    /**
     * The lowest value of the watermark gauge {@code gauge} (e.g. {@code currentInputWatermark},
     * {@code currentOutputWatermark}) over the subtasks of the operators whose name starts with {@code
     * operatorPrefix}, {@link Long#MIN_VALUE} if none is known yet: how far event time has come there.
     */
    static long watermark(String job, String operatorPrefix, String gauge) {
        long[] min = {Long.MAX_VALUE};
        forEachMetric(job, (group, metric) -> {
            String operator = group.getAllVariables().get(OPERATOR_NAME);
            if (operator != null
                    && operator.startsWith(operatorPrefix)
                    && metric.getKey().equals(gauge)
                    && number(metric.getValue()) != Long.MIN_VALUE) {
                min[0] = Math.min(min[0], number(metric.getValue()));
            }
        });
        return min[0] == Long.MAX_VALUE ? Long.MIN_VALUE : min[0];
    }

    /** The job's tasks' names by their vertex id ({@code <task_id>}), as their metric groups name them. */
    static Map<String, String> taskNames(String job) {
        Map<String, String> names = new TreeMap<>();
        forEachMetric(job, (group, metric) -> {
            Map<String, String> vars = group.getAllVariables();
            if (vars.containsKey("<task_id>") && vars.containsKey("<task_name>")) {
                names.put(vars.get("<task_id>"), vars.get("<task_name>"));
            }
        });
        return names;
    }

    /** Sum of every operator's numRecordsIn: changes while records move through the job. */
    static long recordsInAllOperators(String job) {
        long[] sum = {0};
        boolean[] seen = {false};
        forEachMetric(job, (group, metric) -> {
            String operator = group.getAllVariables().get(OPERATOR_NAME);
            // sink committers receive committables on every checkpoint: not records of the backlog
            if (metric.getKey().equals("numRecordsIn")
                    && metric.getValue() instanceof Counter counter
                    && operator != null
                    && !operator.contains("Committer")) {
                seen[0] = true;
                sum[0] += counter.getCount();
            }
        });
        return seen[0] ? sum[0] : -1;
    }
}
