package io.cxstream.loop;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;

import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;

import java.util.List;

/**
 * The outreach-lifecycle operator: Flink's keyed broadcast operator running {@link
 * OutreachLifecycleFunction}, which it lets park the recovery period's event-time timers in keyed state
 * ({@link io.cxstream.state.FarTimers}) instead of holding one heap timer per outreach followed. Same
 * state (uid {@code outreach-lifecycle}) as the operator {@code process()} builds, so savepoints of
 * either restore in the other.
 */
public final class LifecycleOperator
        extends CoBroadcastWithKeyedOperator<String, LoopInput, RuleRecord, OutreachEvent> {
    private static final long serialVersionUID = 1L;

    private final OutreachLifecycleFunction lifecycle;

    public LifecycleOperator(OutreachLifecycleFunction function) {
        super(function, List.of(RuleBook.RULES));
        this.lifecycle = function;
    }

    @Override
    public void open() throws Exception {
        super.open();
        lifecycle.parkFarTimers(getKeyedStateBackend(), this);
    }
}
