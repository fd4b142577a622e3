package io.cxstream.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A job's own metrics, read exactly on the in-JVM MiniCluster through Flink's {@link InMemoryReporter} (metrics kept
 * after the job ends), summed over subtasks and grouped by a variable (Flink's {@code <job_id>}, {@code <subtask_index>},
 * ... and the user groups such as {@code <input>} or {@code <reason>}). Add it to a MiniCluster with
 * {@link #configure(Configuration)}, e.g. {@code new CxJobCluster(MetricsCapture.configure(new Configuration()))}.
 */
public final class MetricsCapture {
    /**
     * One reporter per MiniCluster configured: a MiniCluster that shuts down closes its reporter, which then forgets
     * its metrics and cannot serve another MiniCluster.
     */
    private static final List<InMemoryReporter> REPORTERS = new CopyOnWriteArrayList<>();

    private MetricsCapture() {}

    /** Adds a reporter of its own to a MiniCluster configuration. */
    public static Configuration configure(Configuration conf) {
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        REPORTERS.add(reporter);
        return reporter.addToConfiguration(conf);
    }

    /** Every metric group of every MiniCluster still running, with its metrics. */
    private static Iterable<Map.Entry<MetricGroup, Map<String, Metric>>> groups() {
        return REPORTERS.stream()
                .flatMap(r -> r.getMetricsByGroup().entrySet().stream())
                .toList();
    }

    /** Sum over subtasks of metric {@code name} of the job, per value of the user variable {@code label}. */
    public static Map<String, Long> byLabel(JobID job, String name, String label) {
        Map<String, Long> result = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : groups()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            String value = variables.get("<" + label + ">");
            Metric metric = group.getValue().get(name);
            if (job.toString().equals(variables.get("<job_id>")) && value != null && metric != null) {
                result.merge(value, value(metric), Long::sum);
            }
        }
        return result;
    }

    /** Sum over all instances of metric {@code name} of the job; -1 if there is none (yet). */
    public static long sum(JobID job, String name) {
        long sum = 0;
        boolean seen = false;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : groups()) {
            Metric metric = group.getValue().get(name);
            if (metric != null
                    && job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                sum += value(metric);
                seen = true;
            }
        }
        return seen ? sum : -1;
    }

    private static long value(Metric metric) {
        if (metric instanceof Counter c) {
            return c.getCount();
        }
        if (metric instanceof Gauge<?> g) {
            return g.getValue() instanceof Number n ? n.longValue() : 0;
        }
        return 0;
    }
}
