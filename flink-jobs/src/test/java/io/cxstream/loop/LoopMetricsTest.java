package io.cxstream.loop;

import io.cxstream.avro.Priority;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The open-alerts gauge survives a restore: snapshot per subtask, union on restore, subtask 0 takes the sum. */
class LoopMetricsTest {
    /** A list state in memory (what the union gives every subtask on a restore). */
    private static final class Memory implements ListState<Long> {
        final List<Long> values = new ArrayList<>();

        @Override
        public Iterable<Long> get() {
            return values;
        }

        @Override
        public void add(Long v) {
            values.add(v);
        }

        @Override
        public void update(List<Long> v) {
            values.clear();
            values.addAll(v);
        }

        @Override
        public void addAll(List<Long> v) {
            values.addAll(v);
        }

        @Override
        public void clear() {
            values.clear();
        }
    }

    @Test
    void openCountsOfAllSubtasksAreTakenOverBySubtaskZero() throws Exception {
        LoopMetrics a = new LoopMetrics(new UnregisteredMetricsGroup());
        LoopMetrics b = new LoopMetrics(new UnregisteredMetricsGroup());
        a.opened(Priority.P1);
        a.opened(Priority.P2);
        a.opened(Priority.P2);
        a.closed(Priority.P2);
        b.opened(Priority.P2);
        Memory union = new Memory();
        Memory one = new Memory();
        a.snapshotOpen(one);
        union.addAll(one.values);
        b.snapshotOpen(one);
        union.addAll(one.values);

        assertThat(LoopMetrics.restoredOpen(union, 1)).isNull();
        LoopMetrics restored = new LoopMetrics(new UnregisteredMetricsGroup());
        restored.addOpen(LoopMetrics.restoredOpen(union, 0));
        assertThat(restored.open.get(Priority.P1.ordinal())).isEqualTo(1);
        assertThat(restored.open.get(Priority.P2.ordinal())).isEqualTo(2);
        assertThat(restored.open.get(Priority.P3.ordinal())).isZero();
    }
}
