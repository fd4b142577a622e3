package io.cxstream.journey;

import io.cxstream.io.CxEvent;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;

import java.util.List;

/**
 * The journey operator: Flink's keyed broadcast operator running {@link JourneyFunction}, which it
 * lets hold customers' changed values back in its heap cache ({@code journey.cache-size}, RocksDB)
 * and write each under its own key when it leaves the cache; and which it makes write every value
 * held back before the keyed state is snapshotted, so every checkpoint and savepoint holds exactly
 * what writing each change at once would have written. It also lets the function park the rule
 * engine's timers far ahead of the watermark in keyed state ({@link io.cxstream.state.FarTimers}). A
 * process function can do none of this: it can only write under the key of the record in hand, and
 * learns of no snapshot before it is taken.
 *
 * <p>Same state (uid {@code journey}, keyed state {@code journey}, broadcast state {@link
 * RuleBook#RULES}) as the operator {@code process()} builds, so savepoints of either restore in the other.
 */
public final class JourneyOperator extends CoBroadcastWithKeyedOperator<String, CxEvent, RuleRecord, JourneyEvent> {
    private static final long serialVersionUID = 1L;

    private final JourneyFunction journey;

    public JourneyOperator(JourneyFunction function) {
        super(function, List.of(RuleBook.RULES));
        this.journey = function;
    }

    @Override
    public void open() throws Exception {
        super.open();
        journey.writeBack(this);
        journey.parkFarTimers(getKeyedStateBackend(), this);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        journey.flush(getProcessingTimeService().getCurrentProcessingTime());
        super.snapshotState(context);
    }
}
