package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends good events on and dead letters to a side output, counting both: {@code cx_events_in}
 * by input and type, {@code cx_dead_letters} by reason (Flink metric groups become Prometheus labels).
 */
public class InputRouter extends ProcessFunction<Decoded, CxEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient MetricGroup metrics;
    private transient Map<String, Counter> eventsIn;
    private transient Map<DeadLetterReason, Counter> deadLetters;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        eventsIn = new HashMap<>();
        deadLetters = new EnumMap<>(DeadLetterReason.class);
    }

    @Override
    public void processElement(Decoded value, Context ctx, Collector<CxEvent> out) {
        if (value.isDeadLetter()) {
            DeadLetterReason reason = value.deadLetter.getReason();
            deadLetters.computeIfAbsent(reason, r -> Metrics.deadLetterCounter(metrics, r)).inc();
            ctx.output(DEAD_LETTERS, value.deadLetter);
            return;
        }
        CxEvent event = value.event;
        String type = Metrics.typeOf(event);
        eventsIn.computeIfAbsent(value.input + '/' + type, k -> metrics
                .addGroup("input", value.input).addGroup("type", type).counter(Metrics.EVENTS_IN)).inc();
        out.collect(event);
    }
}
