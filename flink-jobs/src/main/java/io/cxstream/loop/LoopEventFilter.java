package io.cxstream.loop;

import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets through, on the journey's side of the shuffle, only the events the lifecycle can use: those that
 * recover or churn a customer ({@link RecoverySignals}) or match the {@code loop.resolvedBy} of a rule in force
 * at their time: the start rules and those published on the rules topic, which it reads on its broadcast input
 * exactly as the lifecycle does ({@link LoopRules}, broadcast state, checkpointed). Page views and the like
 * (most events) do not cross to the lifecycle at all.
 */
public class LoopEventFilter extends BroadcastProcessFunction<JourneyEvent, RuleRecord, JourneyEvent> {
    private static final long serialVersionUID = 1L;

    private final LoopRules rules;

    /** @param rules the job's start rules and how published ones are checked (as the rule engine's) */
    public LoopEventFilter(LoopConfig config, RuleBook rules) {
        this.rules = new LoopRules(config, rules);
    }

    @Override
    public void open(OpenContext openContext) {
        rules.open();
    }

    @Override
    public void processElement(JourneyEvent e, ReadOnlyContext ctx, Collector<JourneyEvent> out) throws Exception {
        if (RecoverySignals.of(e) != null
                || !rules.get(ctx.getBroadcastState(RuleBook.RULES))
                        .resolvedBy(e)
                        .isEmpty()) {
            out.collect(e);
        }
    }

    @Override
    public void processBroadcastElement(RuleRecord record, Context ctx, Collector<JourneyEvent> out) throws Exception {
        rules.apply(record, ctx.getBroadcastState(RuleBook.RULES));
    }
}
