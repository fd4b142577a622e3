package io.cxstream.loop;

import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.Priority;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.avro.Route;
import io.cxstream.io.Metrics;
import io.cxstream.metrics.BucketedHistogram;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The lifecycle's metrics (names in {@link Metrics}). Counters are created on first use; the open-alerts
 * gauge reads counts the operator keeps in its operator state, so they survive a restore.
 */
final class LoopMetrics {
    /** Minutes to a day: where times to ack live (1, 5, 15, 60 min and 4 h fall on bounds). */
    static final long[] TIME_TO_ACK_BOUNDS_MILLIS = {
        10_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 86_400_000
    };

    private final MetricGroup group;
    private final Map<String, Counter> counters = new HashMap<>();
    final Histogram timeToAck;
    /** Open outreach by priority ordinal. */
    final AtomicLongArray open = new AtomicLongArray(Priority.values().length);

    LoopMetrics(MetricGroup group) {
        this.group = group;
        this.timeToAck = group.histogram(Metrics.TIME_TO_ACK, new BucketedHistogram(TIME_TO_ACK_BOUNDS_MILLIS));
        for (Priority p : Priority.values()) {
            group.addGroup("priority", p.name())
                    .gauge(Metrics.OUTREACH_OPEN, (Gauge<Long>) () -> open.get(p.ordinal()));
        }
    }

    void status(OutreachStatus status, Route route) {
        counter(Metrics.OUTREACH_STATUS, "status", status.name(), "route", route.name())
                .inc();
    }

    void slaBreach(Route route, Priority priority) {
        counter(Metrics.SLA_BREACHES, "route", route.name(), "priority", priority.name())
                .inc();
    }

    void suppressed(String reason, String trigger, Route route) {
        counter(Metrics.OUTREACH_SUPPRESSED, "reason", reason, "trigger", trigger, "route", route.name())
                .inc();
    }

    void heldOut(String trigger, Route route) {
        counter(Metrics.OUTREACH_HELD_OUT, "trigger", trigger, "route", route.name())
                .inc();
    }

    void feedbackRejected(String reason) {
        counter(Metrics.FEEDBACK_REJECTED, "reason", reason).inc();
    }

    void feedbackIgnored(String reason) {
        counter(Metrics.FEEDBACK_IGNORED, "reason", reason).inc();
    }

    void recovery(String trigger, boolean heldOut, RecoveryOutcome outcome) {
        counter(
                        Metrics.RECOVERY_OUTCOMES,
                        "trigger",
                        trigger,
                        "arm",
                        heldOut ? "held_out" : "treated",
                        "outcome",
                        outcome.name())
                .inc();
    }

    void opened(Priority p) {
        open.incrementAndGet(p.ordinal());
    }

    void closed(Priority p) {
        open.decrementAndGet(p.ordinal());
    }

    /** Adds the open counts taken over on a restore (null: none). */
    void addOpen(long[] counts) {
        for (int i = 0; counts != null && i < counts.length; i++) {
            open.addAndGet(i, counts[i]);
        }
    }

    void snapshotOpen(ListState<Long> state) throws Exception {
        state.clear();
        for (int i = 0; i < open.length(); i++) {
            state.add(open.get(i));
        }
    }

    /**
     * The open counts a subtask takes over on a restore: union state gives every subtask every subtask's
     * counts; subtask 0 takes their sum, the others nothing, so the sum over subtasks stays right at any parallelism.
     */
    static long[] restoredOpen(ListState<Long> state, int subtask) throws Exception {
        if (subtask != 0) {
            return null;
        }
        long[] counts = new long[Priority.values().length];
        int i = 0;
        for (Long c : state.get()) {
            counts[i++ % counts.length] += c;
        }
        return counts;
    }

    private Counter counter(String name, String... labels) {
        String key = name + String.join("/", labels);
        return counters.computeIfAbsent(key, k -> {
            MetricGroup g = group;
            for (int i = 0; i < labels.length; i += 2) {
                g = g.addGroup(labels[i], labels[i + 1]);
            }
            return g.counter(name);
        });
    }
}
