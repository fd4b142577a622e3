package io.cxstream.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Flink metric reporter that keeps, per job name, the metrics the harness polls: the Kafka source
 * reader's {@code currentOffset} gauges (offset of the last record read, per partition) and every
 * operator's {@code numRecordsIn} counter. Works because the MiniCluster runs in this JVM.
 * Registered through {@link #configure(Configuration)}.
 */
final class JobProgress {
    static final String JOB_NAME = "<job_name>";
    private static final Map<String, Map<String, Metric>> OFFSETS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Metric>> RECORDS_IN = new ConcurrentHashMap<>();
    /** Job-level checkpoint gauges (JobManager), per job: lastCheckpointFullSize, lastCheckpointDuration, ... */
    private static final Map<String, Map<String, Metric>> CHECKPOINTS = new ConcurrentHashMap<>();
    /** RocksDB native gauges per job; key = metric identifier (operator, subtask, column family, property). */
    private static final Map<String, Map<String, Metric>> ROCKSDB = new ConcurrentHashMap<>();
    /** The job-level checkpoint metrics kept (Flink's names). */
    static final java.util.Set<String> CHECKPOINT_METRICS = java.util.Set.of("lastCheckpointSize", "lastCheckpointFullSize",
            "lastCheckpointDuration", "numberOfCompletedCheckpoints", "numberOfFailedCheckpoints");

    private JobProgress() {
    }

    /**
     * Adds this reporter to a Flink configuration, and switches on the RocksDB native metrics the
     * state phases read (total SST bytes and RocksDB's estimate of live data, per column family).
     */
    static void configure(Configuration conf) {
        conf.setString("metrics.reporter.cxbench.factory.class", Factory.class.getName());
        conf.setString("state.backend.rocksdb.metrics.total-sst-files-size", "true");
        conf.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        conf.setString("state.backend.rocksdb.metrics.cur-size-all-mem-tables", "true");
        // the column family (= the state's name: journey, rules, cooldown, ...) as a variable, for sizes per state
        conf.setString("state.backend.rocksdb.metrics.column-family-as-variable", "true");
    }

    /** A job-level checkpoint gauge (see {@link #CHECKPOINT_METRICS}); -1 if not (yet) known. */
    static long checkpointMetric(String job, String name) {
        Map<String, Metric> m = CHECKPOINTS.get(job);
        Metric metric = m == null ? null : m.get(name);
        if (metric instanceof Gauge<?> g && g.getValue() instanceof Number n) {
            return n.longValue();
        }
        return -1;
    }

    /**
     * Sum of a RocksDB native gauge (e.g. {@code total-sst-files-size}) over every stateful operator,
     * subtask and column family of the job, grouped by operator name ({@code "total"} = all); empty if none.
     */
    static Map<String, Long> rocksDb(String job, String property) {
        Map<String, Long> byOperator = new java.util.TreeMap<>();
        Map<String, Metric> m = ROCKSDB.get(job);
        if (m == null) {
            return byOperator;
        }
        long total = 0;
        for (Map.Entry<String, Metric> e : m.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            if (!key[1].endsWith(property) || !(e.getValue() instanceof Gauge<?> g) || !(g.getValue() instanceof Number n)) {
                continue;
            }
            byOperator.merge(key[0], n.longValue(), Long::sum);
            total += n.longValue();
        }
        byOperator.put("total", total);
        return byOperator;
    }

    /**
     * Sum of a RocksDB native gauge over subtasks, grouped by operator and column family ({@code "journey/rules"}:
     * the column family is the state's name), plus {@code "total"}; empty if none.
     */
    static Map<String, Long> rocksDbByState(String job, String property) {
        Map<String, Long> byState = new java.util.TreeMap<>();
        Map<String, Metric> m = ROCKSDB.get(job);
        if (m == null) {
            return byState;
        }
        long total = 0;
        for (Map.Entry<String, Metric> e : m.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            if (!key[1].endsWith(property) || !(e.getValue() instanceof Gauge<?> g) || !(g.getValue() instanceof Number n)) {
                continue;
            }
            byState.merge(key[0] + "/" + key[2], n.longValue(), Long::sum);
            total += n.longValue();
        }
        byState.put("total", total);
        return byState;
    }

    /**
     * Records read by the job's Kafka sources so far: the sum over partitions of {@code currentOffset + 1}, -1 if
     * unknown. These are <em>absolute</em> offsets (a partition counts from offset 0 even if the source started
     * later, e.g. restored or after a drain), and a partition the source has not read a record from yet reports -1
     * and counts 0: subtract the end offsets at the start (see {@link PrefilledSustain}) rather than compare with
     * what a run sent.
     */
    static long recordsRead(String job) {
        Map<String, Metric> m = OFFSETS.get(job);
        if (m == null || m.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (Metric metric : m.values()) {
            Object v = ((Gauge<?>) metric).getValue();
            if (v instanceof Number n && n.longValue() >= 0) {
                sum += n.longValue() + 1;
            }
        }
        return sum;
    }

    /** Sum of every operator's numRecordsIn: changes while records move through the job. */
    static long recordsInAllOperators(String job) {
        Map<String, Metric> m = RECORDS_IN.get(job);
        if (m == null) {
            return -1;
        }
        long sum = 0;
        for (Metric metric : m.values()) {
            sum += ((Counter) metric).getCount();
        }
        return sum;
    }

    /** The reporter itself: only keeps references, reports nothing. */
    public static final class Reporter implements MetricReporter {
        @Override
        public void open(MetricConfig config) {
        }

        @Override
        public void close() {
        }

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            String job = group.getAllVariables().get(JOB_NAME);
            if (job == null) {
                return;
            }
            String id = group.getMetricIdentifier(name);
            String operator = group.getAllVariables().get("<operator_name>");
            if (CHECKPOINT_METRICS.contains(name) && operator == null && metric instanceof Gauge) {
                CHECKPOINTS.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(name, metric);
            } else if (operator != null && id.contains("rocksdb") && metric instanceof Gauge) {
                String family = group.getAllVariables().getOrDefault("<column_family>", "?");
                ROCKSDB.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(operator + "\u0000" + id + "\u0000" + family, metric);
            } else if (name.equals("currentOffset") && metric instanceof Gauge && id.contains("KafkaSourceReader")) {
                OFFSETS.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(id, metric);
            } else if (name.equals("numRecordsIn") && metric instanceof Counter
                    && group.getAllVariables().containsKey("<operator_name>")
                    && !group.getAllVariables().get("<operator_name>").contains("Committer")) {
                // sink committers receive committables on every checkpoint: not records of the backlog
                RECORDS_IN.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(id, metric);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // keep the last values: the harness reads them after the job is cancelled too
        }
    }

    /** Found by Flink through META-INF/services. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }
}
