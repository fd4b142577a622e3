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

    private JobProgress() {
    }

    /** Adds this reporter to a Flink configuration. */
    static void configure(Configuration conf) {
        conf.setString("metrics.reporter.cxbench.factory.class", Factory.class.getName());
    }

    /** Records read by the job's Kafka sources so far (sum over partitions of currentOffset + 1), -1 if unknown. */
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
            if (name.equals("currentOffset") && metric instanceof Gauge && id.contains("KafkaSourceReader")) {
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
