package io.cxstream.loop;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.Priority;
import io.cxstream.config.CxConfig;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.cxstream.avro.FeedbackAction.ACK;
import static io.cxstream.loop.LifecycleHarness.MIN;
import static io.cxstream.loop.LifecycleHarness.T0;
import static io.cxstream.loop.LifecycleHarness.outreach;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code outreach-lifecycle} was a one-input keyed operator before it took the rules broadcast: its keyed state
 * and timers, as such an operator wrote them, restore into the keyed broadcast operator it is now.
 */
class LifecycleSnapshotCompatibilityTest {
    /** Writes what the one-input lifecycle kept for an outreach sent OPEN: its lifecycle and its SLA timer. */
    static final class OneInputLifecycle extends KeyedProcessFunction<String, LoopInput, OutreachEvent> {
        private final LoopConfig config;
        private transient MapState<String, Lifecycle> lifecycles;

        OneInputLifecycle(LoopConfig config) {
            this.config = config;
        }

        @Override
        public void open(OpenContext openContext) {
            lifecycles = getRuntimeContext().getMapState(LoopState.lifecycles(config));
        }

        @Override
        public void processElement(LoopInput in, Context ctx, Collector<OutreachEvent> out) throws Exception {
            long now = ctx.timerService().currentProcessingTime();
            Lifecycle l = Lifecycle.of(in.outreach, OutreachStatus.OPEN, false, now);
            l.slaMillis = 60 * MIN;
            l.ackDeadline = now + l.slaMillis;
            ctx.timerService().registerProcessingTimeTimer(l.ackDeadline);
            lifecycles.put(l.outreachId, l);
            out.collect(in.outreach);
        }
    }

    @Test
    void theOneInputOperatorsStateAndSlaTimerRestoreIntoTheBroadcastOne() throws Exception {
        CxConfig config = CxConfig.fromMap(Map.of("bootstrap-servers", "b:1"), Map.of());
        OutreachEvent detractor = outreach("c1", "detractor", "DETRACTOR", Priority.P2, T0);
        OperatorSubtaskState snapshot;
        try (var old = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new OneInputLifecycle(config.loop)),
                (LoopInput in) -> in.customerId,
                Types.STRING)) {
            old.setProcessingTime(T0);
            old.open();
            old.processElement(new StreamRecord<>(LoopInput.of(detractor), T0));
            snapshot = old.snapshot(1L, T0);
        }
        try (LifecycleHarness h = LifecycleHarness.restoredFrom(snapshot)) {
            h.clock(60 * MIN);
            assertThat(h.statuses())
                    .as("the old SLA timer fires and finds the old lifecycle")
                    .containsExactly("ESCALATED P1");
            h.feedback("c1", detractor.getOutreachId(), ACK, T0 + 61 * MIN, null);
            assertThat(h.statuses()).containsExactly("ESCALATED P1", "ACKED P1");
        }
    }
}
