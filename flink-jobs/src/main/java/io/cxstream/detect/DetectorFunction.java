package io.cxstream.detect;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

import java.util.List;
import java.util.Map;

/** Turns each CEP match of a {@link Detector} into a {@link Trigger}. */
public class DetectorFunction extends PatternProcessFunction<JourneyEvent, Trigger> {
    private static final long serialVersionUID = 1L;

    private final Detector detector;

    public DetectorFunction(Detector detector) {
        this.detector = detector;
    }

    @Override
    public void processMatch(Map<String, List<JourneyEvent>> match, Context ctx, Collector<Trigger> out) {
        out.collect(detector.toTrigger(match));
    }
}
