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
 * Sends good events on and dead letters to a side output, counting every record: {@code cx_records_in}
 * by input, then either {@code cx_events_in} by input and type, or {@code cx_records_dead_lettered} by
 * input and {@code cx_dead_letters} by reason (Flink metric groups become Prometheus labels). So
 * records in = events in + dead-lettered, per input (see {@link Metrics}).
 */
public class InputRouter extends ProcessFunction<Decoded, CxEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient MetricGroup metrics;
    private transient Map<String, Counter> recordsIn;
    private transient Map<String, Counter> eventsIn;
    private transient Map<String, Counter> deadLetteredByInput;
    private transient Map<DeadLetterReason, Counter> deadLetters;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        recordsIn = new HashMap<>();
        eventsIn = new HashMap<>();
        deadLetteredByInput = new HashMap<>();
        deadLetters = new EnumMap<>(DeadLetterReason.class);
    }

    @Override
    public void processElement(Decoded value, Context ctx, Collector<CxEvent> out) {
        String input = value.input == null ? Metrics.UNKNOWN_INPUT : value.input;
        recordsIn
                .computeIfAbsent(input, i -> metrics.addGroup("input", i).counter(Metrics.RECORDS_IN))
                .inc();
        if (value.isDeadLetter()) {
            deadLetteredByInput
                    .computeIfAbsent(input, i -> metrics.addGroup("input", i).counter(Metrics.RECORDS_DEAD_LETTERED))
                    .inc();
            DeadLetterReason reason = value.deadLetter.getReason();
            deadLetters
                    .computeIfAbsent(reason, r -> Metrics.deadLetterCounter(metrics, r))
                    .inc();
            ctx.output(DEAD_LETTERS, value.deadLetter);
            return;
        }
        CxEvent event = value.event;
        String type = Metrics.typeOf(event);
        eventsIn.computeIfAbsent(
                        input + '/' + type,
                        k -> metrics.addGroup("input", input)
                                .addGroup("type", type)
                                .counter(Metrics.EVENTS_IN))
                .inc();
        out.collect(event);
    }
}
