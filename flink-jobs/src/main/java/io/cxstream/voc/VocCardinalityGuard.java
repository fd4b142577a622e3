package io.cxstream.voc;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds the cardinality of every dimension: keyed by dimension label (an enum's hash code is not stable
 * across JVMs, so not a key), it admits the first {@code maxValues}
 * distinct values and counts every answer with a further value under {@value VocDimension#OTHER} (and in
 * {@code cx_voc_folded{dimension}}). A value unseen (in event time) for {@link #RETENTION} — longer than
 * the longest window, so its aggregates have expired — frees its place: a daily sweep timer removes it.
 *
 * <p>Keyed by dimension, so at most seven subtasks do this work (a map lookup per answer); the
 * aggregation after it is keyed by dimension value and scales with the parallelism.
 */
public class VocCardinalityGuard extends KeyedProcessFunction<String, VocAnswer, VocAnswer> {
    private static final long serialVersionUID = 1L;
    static final Duration RETENTION = VocWindows.WEEK.plus(Duration.ofHours(2));
    static final long SWEEP_EVERY = Duration.ofDays(1).toMillis();
    /** lastSeen is rewritten at most this often per value (fewer state writes). */
    private static final long TOUCH_EVERY = Duration.ofHours(1).toMillis();

    static final String FOLDED = "cx_voc_folded";

    static final MapStateDescriptor<String, Long> VALUES =
            new MapStateDescriptor<>("voc-values", Types.STRING, Types.LONG);
    static final ValueStateDescriptor<Integer> SIZE = new ValueStateDescriptor<>("voc-values-size", Types.INT);
    static final ValueStateDescriptor<Long> NEXT_SWEEP = new ValueStateDescriptor<>("voc-values-sweep", Types.LONG);

    private final int maxValues;
    private transient MapState<String, Long> values;
    private transient ValueState<Integer> size;
    private transient ValueState<Long> nextSweep;
    private transient Map<VocDimension, Counter> folded;

    public VocCardinalityGuard(int maxValues) {
        this.maxValues = maxValues;
    }

    @Override
    public void open(OpenContext openContext) {
        values = getRuntimeContext().getMapState(VALUES);
        size = getRuntimeContext().getState(SIZE);
        nextSweep = getRuntimeContext().getState(NEXT_SWEEP);
        folded = new EnumMap<>(VocDimension.class);
        MetricGroup group = getRuntimeContext().getMetricGroup();
        for (VocDimension d : VocDimension.values()) {
            folded.put(d, group.addGroup("dimension", d.label()).counter(FOLDED));
        }
    }

    @Override
    public void processElement(VocAnswer answer, Context ctx, Collector<VocAnswer> out) throws Exception {
        if (answer.dimension != VocDimension.OVERALL && !VocDimension.OTHER.equals(answer.value)) {
            Long seen = values.get(answer.value);
            if (seen != null) {
                if (answer.eventTime > seen + TOUCH_EVERY) {
                    values.put(answer.value, answer.eventTime);
                }
            } else if (size() < maxValues) {
                values.put(answer.value, answer.eventTime);
                size.update(size() + 1);
                if (nextSweep.value() == null) {
                    long at = answer.eventTime + SWEEP_EVERY;
                    nextSweep.update(at);
                    ctx.timerService().registerEventTimeTimer(at);
                }
            } else {
                folded.get(answer.dimension).inc();
                out.collect(new VocAnswer(
                        answer.dimension,
                        VocDimension.OTHER,
                        answer.metric,
                        answer.score,
                        answer.eventTime,
                        answer.touchpoint));
                return;
            }
        }
        out.collect(answer);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VocAnswer> out) throws Exception {
        long cutoff = timestamp - RETENTION.toMillis();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Long> e : values.entries()) {
            if (e.getValue() < cutoff) {
                stale.add(e.getKey());
            }
        }
        for (String v : stale) {
            values.remove(v);
        }
        int left = size() - stale.size();
        if (left <= 0) {
            values.clear();
            size.clear();
            nextSweep.clear();
            return;
        }
        size.update(left);
        nextSweep.update(timestamp + SWEEP_EVERY);
        ctx.timerService().registerEventTimeTimer(timestamp + SWEEP_EVERY);
    }

    private int size() throws Exception {
        Integer s = size.value();
        return s == null ? 0 : s;
    }
}
