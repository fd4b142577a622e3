package io.cxstream.detect;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * Runs a {@link Detector#singleEvent()} detector: each accepted event is a match. Stateless, so it
 * fires the moment the event is scored, in arrival order, where a CEP operator would buffer the event
 * in RocksDB until the watermark passes it — for nothing, since a single event has no order to restore.
 * Erasure markers pass through as {@link Detector#erasureMarker}: nothing to forget here, but the
 * outreach decision learns that every trigger this detector built before the erasure is ahead of it.
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
        return event.erasure ? detector.erasureMarker(event) : detector.toTrigger(event);
    }
}
