package io.cxstream.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.traces.Span;
import org.apache.flink.traces.reporter.TraceReporter;
import org.apache.flink.traces.reporter.TraceReporterFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What each task spent on the checkpoints completed in a window (a drain, a paced attempt), from Flink's own
 * checkpoint statistics: with {@code traces.checkpoint.span-detail-level: CHILDREN_SPANS_PER_TASK} the job manager
 * reports one trace span per completed checkpoint with a child per task, whose attributes are the task's
 * synchronous and asynchronous durations (the longest subtask's and the sum over subtasks). The synchronous part
 * runs on the task thread and stops its processing: the heap timers' snapshot, the heap caches' write-back and
 * RocksDB's native checkpoint (a memtable flush) are in it. This class is that trace reporter (registered through {@link #configure}, found by Flink's service loader);
 * every span of this JVM is kept (the harness runs one job at a time, so a window sees only its job's), tasks are
 * named through {@link JobProgress#taskNames}.
 */
public final class CheckpointSpans implements TraceReporter {
    /** One task's part in one completed checkpoint (its durations only: a soak runs for hours). */
    record TaskCheckpoint(String vertexId, long syncMsSum, long syncMsMax, long asyncMsMax) {}

    private static final List<TaskCheckpoint> SEEN = new CopyOnWriteArrayList<>();

    /** Adds the reporter to a Flink configuration, with a child span per task. */
    static void configure(Configuration conf) {
        conf.setString("traces.reporter.bench-checkpoints.factory.class", Factory.class.getName());
        conf.setString("traces.checkpoint.span-detail-level", "CHILDREN_SPANS_PER_TASK");
    }

    /** A mark in the spans seen so far: {@link #since} reports the checkpoints completed after it. */
    static int mark() {
        return SEEN.size();
    }

    /**
     * Per task (by name; the vertex id if it has none in {@code taskNames}), over the checkpoints completed since
     * {@code mark}: {@code checkpoints}, {@code sync_ms_total} (synchronous part, summed over subtasks and
     * checkpoints), {@code sync_ms_max} (the longest subtask's), {@code async_ms_max}.
     */
    static Map<String, Object> since(int mark, Map<String, String> taskNames) {
        Map<String, Map<String, Long>> byTask = new TreeMap<>();
        List<TaskCheckpoint> seen = SEEN.subList(Math.min(mark, SEEN.size()), SEEN.size());
        for (TaskCheckpoint t : seen) {
            Map<String, Long> m = byTask.computeIfAbsent(
                    taskNames.getOrDefault(t.vertexId(), t.vertexId()), k -> new LinkedHashMap<>());
            m.merge("checkpoints", 1L, Long::sum);
            m.merge("sync_ms_total", t.syncMsSum(), Long::sum);
            m.merge("sync_ms_max", t.syncMsMax(), Math::max);
            m.merge("async_ms_max", t.asyncMsMax(), Math::max);
        }
        return new LinkedHashMap<>(byTask);
    }

    private static long number(Map<String, Object> attributes, String key) {
        return attributes.get(key) instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedSpan(Span span) {
        if (!"Checkpoint".equals(span.getName())) {
            return;
        }
        for (Span child : span.getChildren()) {
            if ("Checkpoint_Task".equals(child.getName())) {
                Map<String, Object> a = child.getAttributes();
                SEEN.add(new TaskCheckpoint(
                        String.valueOf(a.get("jobVertexId")),
                        number(a, "sumSyncCheckpointDurationMs"),
                        number(a, "maxSyncCheckpointDurationMs"),
                        number(a, "maxAsyncCheckpointDurationMs")));
            }
        }
    }

    /** Flink's way in: named by {@code traces.reporter.*.factory.class} and listed in META-INF/services. */
    public static final class Factory implements TraceReporterFactory {
        @Override
        public TraceReporter createTraceReporter(Properties properties) {
            return new CheckpointSpans();
        }
    }
}
