package io.cxstream.voc;

import io.cxstream.avro.VocAggregate;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The VoC aggregation's operator: Flink's keyed process operator running {@link VocAggregateFunction},
 * which it lets hold changed buckets back on the heap ({@link VocStore}) and write each key's under that
 * key, and which it makes write everything held back before the keyed state is snapshotted (as {@code
 * JourneyOperator} does for the journey). Same state as the operator {@code process()} builds.
 */
public final class VocAggregateOperator extends KeyedProcessOperator<String, VocAnswer, VocAggregate> {
    private static final long serialVersionUID = 1L;

    private final VocAggregateFunction aggregate;

    public VocAggregateOperator(VocAggregateFunction function) {
        super(function);
        this.aggregate = function;
    }

    @Override
    public void open() throws Exception {
        super.open();
        aggregate.writeBack(this);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        aggregate.flush();
        super.snapshotState(context);
    }
}
