package io.cxstream.rules;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a stream that has no event time of its own but joins one that has (the rules, on
 * their way to the journey operator): always the end of time, so the operator's watermark is the
 * events' alone. A rule's own time is its effectiveFrom, not a watermark.
 */
public class EndOfTimeWatermarks<T> implements WatermarkGenerator<T> {
    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE));
    }
}
