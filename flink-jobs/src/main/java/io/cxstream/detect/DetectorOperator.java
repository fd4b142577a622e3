package io.cxstream.detect;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Applies a {@link Detector}'s pattern to a keyed stream, as {@code CEP.pattern(input, pattern)
 * .process(new DetectorFunction(detector))} does (event time, no comparator, no late side output),
 * but with an {@link ErasingCepOperator}, so erasure markers clear the customer's CEP state and are
 * passed on to the outreach decision.
 */
public final class DetectorOperator {
    private DetectorOperator() {}

    /** The detector's operator over {@code input}; the caller sets uid and name. */
    public static SingleOutputStreamOperator<Trigger> apply(KeyedStream<JourneyEvent, String> input, Detector detector) {
        return input.transform("CepOperator", TypeInformation.of(Trigger.class),
                create(detector, input.getExecutionConfig().getSerializerConfig()));
    }

    /** The operator itself (the job and the test harness build it the same way). */
    public static ErasingCepOperator<Trigger> create(Detector detector, SerializerConfig serializerConfig) {
        Pattern<JourneyEvent, JourneyEvent> pattern = detector.pattern();
        return new ErasingCepOperator<>(
                TypeInformation.of(JourneyEvent.class).createSerializer(serializerConfig),
                NFACompiler.compileFactory(pattern, false),
                pattern.getAfterMatchSkipStrategy(),
                detector.window().toMillis(),
                new DetectorFunction(detector),
                detector::erasureMarker);
    }
}
