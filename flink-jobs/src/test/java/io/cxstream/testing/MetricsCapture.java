package io.cxstream.io;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Flink metric reporter for tests on the in-JVM MiniCluster: keeps a reference to every counter and
 * gauge of every job, with its variables (Flink's {@code <job_id>}, {@code <subtask_index>}, ... and
 * the user groups such as {@code <input>} or {@code <reason>}), so a test reads the job's own metrics
 * exactly, summed over subtasks. Registered with {@link #configure(Configuration)}; found by Flink
 * through {@code META-INF/services}.
 */
public final class MetricsCapture {
    private static final Map<String, List<Entry>> BY_JOB = new ConcurrentHashMap<>();

    private MetricsCapture() {}

    /** One metric instance (one subtask's) and its variables. */
    private record Entry(String name, Map<String, String> variables, Metric metric) {
        long value() {
            if (metric instanceof Counter c) {
                return c.getCount();
            }
            Object v = ((Gauge<?>) metric).getValue();
            return v instanceof Number n ? n.longValue() : 0;
        }
    }

    /** Adds this reporter to a MiniCluster configuration. */
    public static Configuration configure(Configuration conf) {
        conf.setString("metrics.reporter.capture.factory.class", Factory.class.getName());
        return conf;
    }

    /** Sum over subtasks of metric {@code name} of the job, per value of the user variable {@code label}. */
    public static Map<String, Long> byLabel(JobID job, String name, String label) {
        Map<String, Long> result = new TreeMap<>();
        for (Entry e : BY_JOB.getOrDefault(job.toString(), List.of())) {
            String value = e.variables().get("<" + label + ">");
            if (e.name().equals(name) && value != null) {
                result.merge(value, e.value(), Long::sum);
            }
        }
        return result;
    }

    /** Sum over all instances of metric {@code name} of the job; -1 if there is none (yet). */
    public static long sum(JobID job, String name) {
        long sum = 0;
        boolean seen = false;
        for (Entry e : BY_JOB.getOrDefault(job.toString(), List.of())) {
            if (e.name().equals(name)) {
                sum += e.value();
                seen = true;
            }
        }
        return seen ? sum : -1;
    }

    /** Keeps references only; reports nothing. */
    public static final class Reporter implements MetricReporter {
        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            Map<String, String> variables = group.getAllVariables();
            String job = variables.get("<job_id>");
            if (job != null && (metric instanceof Counter || metric instanceof Gauge)) {
                BY_JOB.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>()).add(new Entry(name, new java.util.HashMap<>(variables), metric));
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // keep the last values: a test may read them after the job ended
        }
    }

    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }
}
