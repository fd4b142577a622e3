package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.io.Metrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.Map;

/**
 * Sends decoded acks and closes on to the lifecycle and malformed ones to a side output, counting them as
 * {@code cx_outreach_feedback_rejected} by reason.
 */
public class FeedbackRouter extends ProcessFunction<FeedbackDecoded, LoopInput> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("feedback-dead-letters") {};

    private transient MetricGroup metrics;
    private transient Map<String, Counter> rejected;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        rejected = new HashMap<>();
    }

    @Override
    public void processElement(FeedbackDecoded value, Context ctx, Collector<LoopInput> out) {
        if (value.deadLetter != null) {
            String reason = value.deadLetter.getReason().name().toLowerCase();
            rejected.computeIfAbsent(reason, r -> metrics.addGroup("reason", r).counter(Metrics.FEEDBACK_REJECTED))
                    .inc();
            ctx.output(DEAD_LETTERS, value.deadLetter);
            return;
        }
        out.collect(LoopInput.of(value.feedback, value.partition, value.offset));
    }
}
