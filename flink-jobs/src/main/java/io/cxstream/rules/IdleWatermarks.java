package io.cxstream.rules;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a stream that has no event time of its own but joins one that has (the rules, on
 * their way to the journey operator): none, and the stream is always marked idle, so the operator's
 * watermark is the events' alone. A rule's own time is its effectiveFrom, not a watermark.
 *
 * <p>Not "the end of time": an input at {@code Long.MAX_VALUE} would become the operator's watermark
 * whenever every event partition goes idle, and every later event would be late.
 */
public class IdleWatermarks<T> implements WatermarkGenerator<T> {
    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.markIdle();
    }
}
