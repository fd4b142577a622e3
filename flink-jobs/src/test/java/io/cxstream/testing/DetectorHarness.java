package io.cxstream.testing;

import io.cxstream.detect.Detector;
import io.cxstream.detect.DetectorOperator;
import io.cxstream.detect.ErasingCepOperator;
import io.cxstream.detect.Trigger;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.util.List;

/**
 * Runs one {@link Detector}'s CEP operator (built as the job builds it) in Flink's keyed operator
 * harness, fed like the job feeds it: only the events the detector accepts and erasure markers, in
 * event time.
 */
public final class DetectorHarness implements AutoCloseable {
    private final Detector detector;
    private final KeyedOneInputStreamOperatorTestHarness<String, JourneyEvent, Trigger> harness;

    public DetectorHarness(Detector detector) throws Exception {
        this.detector = detector;
        ErasingCepOperator<Trigger> operator = DetectorOperator.create(detector, new SerializerConfigImpl());
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
        if (detector.feeds(e)) {
            harness.processElement(e, e.eventTime);
        }
        return this;
    }

    /** Sends an erasure marker for the customer, as the journey does on an ERASE consent event. */
    public DetectorHarness erase(String customerId, long time) throws Exception {
        return send(JourneyEvent.erasureOf(customerId, time));
    }

    public DetectorHarness watermark(long time) throws Exception {
        harness.processWatermark(time);
        return this;
    }

    /** The triggers emitted so far (the detector's findings, without erasure markers). */
    public List<Trigger> triggers() {
        return harness.extractOutputValues().stream().filter(t -> !t.erasure).toList();
    }

    /** Everything emitted so far, erasure markers included, in order. */
    public List<Trigger> output() {
        return harness.extractOutputValues();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
