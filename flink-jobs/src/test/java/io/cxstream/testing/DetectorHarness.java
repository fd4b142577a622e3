package io.cxstream.testing;

import io.cxstream.detect.Detector;
import io.cxstream.detect.DetectorFunction;
import io.cxstream.detect.Trigger;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.util.List;

/**
 * Runs one {@link Detector}'s CEP operator in Flink's keyed operator harness, fed like the job feeds
 * it: only the events the detector accepts, in event time.
 */
public final class DetectorHarness implements AutoCloseable {
    private final Detector detector;
    private final KeyedOneInputStreamOperatorTestHarness<String, JourneyEvent, Trigger> harness;

    public DetectorHarness(Detector detector) throws Exception {
        this.detector = detector;
        CepOperator<JourneyEvent, String, Trigger> operator = new CepOperator<>(
                TypeInformation.of(JourneyEvent.class).createSerializer(new SerializerConfigImpl()),
                false,
                NFACompiler.compileFactory(detector.pattern(), false),
                null,
                detector.pattern().getAfterMatchSkipStrategy(),
                new DetectorFunction(detector),
                null);
        this.harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, e -> e.customerId, Types.STRING);
    }

    public KeyedOneInputStreamOperatorTestHarness<String, JourneyEvent, Trigger> harness() {
        return harness;
    }

    public DetectorHarness open() throws Exception {
        harness.open();
        return this;
    }

    /** Sends the event if the detector accepts it (as the job's pre-filter does). */
    public DetectorHarness send(JourneyEvent e) throws Exception {
        if (detector.accepts(e)) {
            harness.processElement(e, e.eventTime);
        }
        return this;
    }

    public DetectorHarness watermark(long time) throws Exception {
        harness.processWatermark(time);
        return this;
    }

    public List<Trigger> triggers() {
        return harness.extractOutputValues();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
