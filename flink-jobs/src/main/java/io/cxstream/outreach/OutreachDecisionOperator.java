package io.cxstream.outreach;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.rules.Trigger;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The outreach decision's operator: Flink's keyed process operator running {@link
 * OutreachDecisionFunction}, which it lets hold customers' changed values back in its heap cache
 * ({@code outreach.cache-size}, RocksDB) and write each under its own key when it leaves the cache,
 * and which it makes write every value held back before the keyed state is snapshotted, so every
 * checkpoint and savepoint holds what writing each change at once would have written (as {@code
 * JourneyOperator} does for the journey). Same state as the operator {@code process()} builds.
 */
public final class OutreachDecisionOperator extends KeyedProcessOperator<String, Trigger, OutreachEvent> {
    private static final long serialVersionUID = 1L;

    private final OutreachDecisionFunction decision;

    public OutreachDecisionOperator(OutreachDecisionFunction function) {
        super(function);
        this.decision = function;
    }

    @Override
    public void open() throws Exception {
        super.open();
        decision.writeBack(this, getKeyedStateBackend());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        decision.flush(getProcessingTimeService().getCurrentProcessingTime());
        super.snapshotState(context);
    }
}
