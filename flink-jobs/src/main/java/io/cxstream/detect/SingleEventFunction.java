package io.cxstream.detect;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * Runs a {@link Detector#singleEvent()} detector: each accepted event is a match. Stateless, so it
 * fires the moment the event is scored, in arrival order, where a CEP operator would buffer the event
 * in RocksDB until the watermark passes it — for nothing, since a single event has no order to restore.
 */
public class SingleEventFunction implements MapFunction<JourneyEvent, Trigger> {
    private static final long serialVersionUID = 1L;

    private final Detector detector;

    public SingleEventFunction(Detector detector) {
        if (!detector.singleEvent()) {
            throw new IllegalArgumentException(detector.type() + " is not a single-event detector");
        }
        this.detector = detector;
    }

    @Override
    public Trigger map(JourneyEvent event) {
        return detector.toTrigger(event);
    }
}
