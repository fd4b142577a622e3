package io.cxstream.voc;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Live Voice-of-Customer gauges: running NPS, CSAT and CES per channel, per touchpoint and overall,
 * exported as Flink gauges {@code cx_nps}, {@code cx_csat}, {@code cx_ces} with labels {@code channel}
 * and {@code touchpoint} (metric groups {@code channel=<c>} → {@code touchpoint=<t>}). The scores are
 * sliding averages over the last {@code metrics.voc-window} answers; see {@link VoiceOfCustomerBoard}.
 *
 * <p>Fed by the journey's feedback events. It is <b>not keyed</b> and runs at <b>parallelism 1</b>
 * (set in {@code CxJob}): an NPS is a ratio over all answers, and per-subtask averages could not be
 * combined into it in PromQL. Feedback is a small share of the traffic and each answer costs a few
 * array operations, so one instance keeps up. The scores are not checkpointed: they describe the
 * recent past and rebuild from new answers after a restart. It emits nothing.
 */
public class VoiceOfCustomerGauges extends ProcessFunction<JourneyEvent, Void> {
    private static final long serialVersionUID = 1L;

    private final int maxTouchpoints;
    private final int window;
    private transient VoiceOfCustomerBoard board;

    public VoiceOfCustomerGauges(int maxTouchpoints, int window) {
        this.maxTouchpoints = maxTouchpoints;
        this.window = window;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        board = new VoiceOfCustomerBoard(maxTouchpoints, window, (name, channel, touchpoint, value) ->
                metrics.addGroup("channel", channel).addGroup("touchpoint", touchpoint)
                        .gauge(name, (Gauge<Double>) value::getAsDouble));
    }

    @Override
    public void processElement(JourneyEvent event, Context ctx, Collector<Void> out) {
        board.record(event);
    }
}
