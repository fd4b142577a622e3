package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.Trigger;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The closed loop, downstream of the outreach decision:
 * <pre>
 * decision ─approved─┐
 * journey ─▶ loop-events-filter (those that resolve or recover)─┼─ keyBy customer ─▶ outreach-lifecycle ─▶ outreach (sent), updates, dead letters
 * journey ─erasures──┤                                            └─ updates with an outcome ─keyBy rule─▶ recovery-rate
 * feedback topic ─▶ feedback-router (bad ones: dead letters)
 * rules topic ─broadcast─▶ loop-events-filter, outreach-lifecycle (the rules' {@code loop} specs, as the rule engine accepted them)
 * </pre>
 * Every stateful step has a uid. The lifecycle holds outreach ids, times and closing notes per customer and
 * clears them on the customer's erasure marker; the recovery rates hold counts per rule only.
 */
public final class LoopPipeline {
    private LoopPipeline() {}

    /** What the loop puts out. */
    public record Streams(
            DataStream<OutreachEvent> outreach,
            DataStream<OutreachUpdate> updates,
            DataStream<RecoveryRate> recovery,
            DataStream<DeadLetter> deadLetters) {}

    public static Streams apply(
            DataStream<OutreachEvent> approved,
            DataStream<JourneyEvent> journeys,
            DataStream<Trigger> triggers,
            DataStream<FeedbackDecoded> feedback,
            DataStream<RuleRecord> ruleRecords,
            LoopConfig config,
            RuleBook ruleBook) {
        BroadcastStream<RuleRecord> rules = ruleRecords.broadcast(RuleBook.RULES);
        TypeInformation<LoopInput> in = TypeInformation.of(LoopInput.class);
        SingleOutputStreamOperator<LoopInput> acks = feedback.process(new FeedbackRouter())
                .returns(in)
                .uid("outreach-feedback-router")
                .name("outreach-feedback-router");
        DataStream<LoopInput> inputs = approved.map(LoopInput::of)
                .returns(in)
                .name("loop-outreach")
                .union(
                        journeys.connect(rules)
                                .process(new LoopEventFilter(config, ruleBook))
                                .returns(TypeInformation.of(JourneyEvent.class))
                                .uid("loop-events-filter")
                                .name("loop-events-filter")
                                .map(LoopInput::of)
                                .returns(in)
                                .name("loop-events"),
                        triggers.filter(t -> t.erasure)
                                .map(LoopInput::erasure)
                                .returns(in)
                                .name("loop-erasures"),
                        acks);
        // Its own operator class so that it can park the recovery timers in keyed state (LifecycleOperator).
        SingleOutputStreamOperator<OutreachEvent> lifecycle = inputs.keyBy(i -> i.customerId, Types.STRING)
                .connect(ruleRecords.broadcast())
                .transform(
                        "outreach-lifecycle",
                        TypeInformation.of(OutreachEvent.class),
                        new LifecycleOperator(new OutreachLifecycleFunction(config, ruleBook)))
                .uid("outreach-lifecycle")
                .name("outreach-lifecycle");
        DataStream<OutreachUpdate> updates = lifecycle.getSideOutput(OutreachLifecycleFunction.UPDATES);
        DataStream<RecoveryRate> recovery = updates.filter(u -> u.getRecovery() != null)
                .name("recovery-outcomes")
                .keyBy(u -> u.getRuleId() != null ? u.getRuleId() : u.getTriggerName(), Types.STRING)
                .process(new RecoveryRateFunction())
                .returns(TypeInformation.of(RecoveryRate.class))
                .uid("recovery-rate")
                .name("recovery-rate");
        DataStream<DeadLetter> deadLetters = lifecycle
                .getSideOutput(OutreachLifecycleFunction.DEAD_LETTERS)
                .union(acks.getSideOutput(FeedbackRouter.DEAD_LETTERS));
        return new Streams(lifecycle, updates, recovery, deadLetters);
    }
}
