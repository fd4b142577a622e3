package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.cxstream.voc.VocWindows.HOUR;
import static io.cxstream.voc.VocWindows.MINUTE;

/**
 * The Voice-of-the-Customer aggregation of one key, {@code METRIC/dimension/value} ({@link VocKey}), in
 * event time. Each answer is added to its minute bucket and its hour bucket, and an event-time timer is
 * set for the end of its minute. When the watermark passes a minute that has answers, the function emits
 * the minute's {@code 1m} aggregate and, derived from the buckets ({@link VocWindows}), the {@code 1h},
 * {@code 24h} and {@code 7d} aggregates ending there; it tests the last hour against the 7-day baseline
 * ({@link TrendTest}; alerts go to {@link #ALERTS}), checks the NPS goal on the 24h window, and updates
 * the gauges. Every output carries the window end as its timestamp.
 *
 * <p><b>Late answers.</b> An answer whose minute the watermark has passed is still counted if its minute
 * is less than an hour behind the watermark: the minute's {@code 1m} aggregate is emitted again,
 * corrected (same key on the compacted topic), and the rolling windows include it from the next minute on.
 * An older answer (which the journey's watermark bound normally dead-letters first) is counted in
 * {@code cx_voc_late_dropped} and dropped.
 *
 * <p><b>Bounded state.</b> At most 61 minute buckets and 170 hour buckets per key, pruned at every timer;
 * a timer is kept for when the newest minute bucket leaves the last hour and, once no minute bucket is
 * left, for when the newest hour bucket leaves the baseline, which clears the key. No customer data is held.
 * The buckets of recent keys are read and changed on the heap ({@link VocStore}), in {@link
 * VocAggregateOperator} written back to the keyed state before every snapshot.
 */
public class VocAggregateFunction extends KeyedProcessFunction<String, VocAnswer, VocAggregate> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<VocTrendAlert> ALERTS =
            new OutputTag<>("voc-alerts", TypeInformation.of(VocTrendAlert.class));
    static final String LATE_DROPPED = "cx_voc_late_dropped";
    static final String CACHE_HITS = "cx_voc_cache_hits";
    static final String CACHE_MISSES = "cx_voc_cache_misses";
    static final String STATE_WRITES = "cx_voc_state_writes";

    static final MapStateDescriptor<Long, VocBucket> MINUTES =
            new MapStateDescriptor<>("voc-minutes", Types.LONG, TypeInformation.of(VocBucket.class));
    static final MapStateDescriptor<Long, VocBucket> HOURS =
            new MapStateDescriptor<>("voc-hours", Types.LONG, TypeInformation.of(VocBucket.class));
    /** End of the newest minute emitted: a timer at or before it is a late correction. */
    static final ValueStateDescriptor<Long> LAST_EMITTED = new ValueStateDescriptor<>("voc-last-emitted", Types.LONG);

    static final ValueStateDescriptor<Long> LAST_DROP_ALERT =
            new ValueStateDescriptor<>("voc-last-drop-alert", Types.LONG);
    static final ValueStateDescriptor<Long> LAST_GOAL_ALERT =
            new ValueStateDescriptor<>("voc-last-goal-alert", Types.LONG);

    private final VocConfig config;
    private int cacheKeys;
    private transient VocStore store;
    private transient ValueState<Long> lastEmitted;
    private transient ValueState<Long> lastDropAlert;
    private transient ValueState<Long> lastGoalAlert;
    private transient TrendTest trend;
    private transient VocGauges gauges;
    private transient Counter lateDropped;

    public VocAggregateFunction(VocConfig config) {
        this.config = config;
    }

    /**
     * Keeps the buckets of up to {@code keys} VoC keys on the heap ({@link VocStore}; only with a state
     * backend that copies on write, RocksDB), written back by {@link VocAggregateOperator}.
     */
    public VocAggregateFunction withCache(int keys) {
        this.cacheKeys = keys;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        store = new VocStore(
                getRuntimeContext().getMapState(MINUTES),
                getRuntimeContext().getMapState(HOURS),
                cacheKeys,
                metrics.counter(CACHE_HITS),
                metrics.counter(CACHE_MISSES),
                metrics.counter(STATE_WRITES));
        lastEmitted = getRuntimeContext().getState(LAST_EMITTED);
        lastDropAlert = getRuntimeContext().getState(LAST_DROP_ALERT);
        lastGoalAlert = getRuntimeContext().getState(LAST_GOAL_ALERT);
        trend = new TrendTest(config.minSample, config.alertMinDrop, config.alertMinZ);
        gauges = new VocGauges(metrics, config.gaugeDimensions);
        lateDropped = metrics.counter(LATE_DROPPED);
    }

    @Override
    public void processElement(VocAnswer a, Context ctx, Collector<VocAggregate> out) throws Exception {
        ScoreScale scale = ScoreScale.of(a.metric);
        long minute = VocWindows.floorMinute(a.eventTime);
        long watermark = ctx.timerService().currentWatermark();
        boolean tooLate = watermark > Long.MIN_VALUE + HOUR && minute < VocWindows.minuteCutoff(watermark);
        if (scale == null || !scale.accepts(a.score) || tooLate) {
            lateDropped.inc();
            return;
        }
        VocStore.Series series = store.get(ctx.getCurrentKey());
        add(series.minutes, minute, scale, a, true);
        add(series.hours, VocWindows.floorHour(a.eventTime), scale, a, false);
        store.done(ctx.getCurrentKey(), series);
        ctx.timerService().registerEventTimeTimer(minute + MINUTE);
    }

    /** The heap cache (its counters, for tests). */
    VocStore store() {
        return store;
    }

    /** See {@link VocAggregateOperator}. */
    void writeBack(KeyContext keys) {
        store.writeBack(keys);
    }

    /** Writes the buckets held back on the heap to the keyed state (before every snapshot). */
    void flush() throws Exception {
        store.flush();
    }

    private static void add(VocBuckets buckets, long start, ScoreScale scale, VocAnswer a, boolean trackLow) {
        VocBucket b = buckets.get(start);
        if (b == null) {
            b = VocBucket.empty(scale);
        }
        b.add(scale, a.score, a.touchpoint, trackLow);
        buckets.put(start, b);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<VocAggregate> out) throws Exception {
        VocKey key = VocKey.parse(ctx.getCurrentKey());
        ScoreScale scale = ScoreScale.of(key.metric());
        VocStore.Series series = store.get(ctx.getCurrentKey());
        VocBucket minute = series.minutes.get(t - MINUTE);
        if (minute != null) {
            Double goal = key.metric() == FeedbackMetric.NPS
                    ? config.goal(key.dimension(), key.value())
                    : null; // goals are NPS goals
            out.collect(VocRecords.aggregate(
                    key,
                    VocWindows.MINUTE_LABEL,
                    t - MINUTE,
                    t,
                    minute.histogram,
                    VocStats.of(scale, minute.histogram),
                    config.minSample,
                    goal));
            Long last = lastEmitted.value();
            if (last == null || t > last) {
                lastEmitted.update(t);
                emitRolling(series, key, scale, t, goal, ctx, out);
            }
        }
        prune(series, key, scale, t, ctx);
        store.done(ctx.getCurrentKey(), series);
    }

    private void emitRolling(
            VocStore.Series series,
            VocKey key,
            ScoreScale scale,
            long t,
            Double goal,
            OnTimerContext ctx,
            Collector<VocAggregate> out)
            throws Exception {
        long hourStart = VocWindows.currentHour(t);
        long[] lastHour = new long[scale.bins()];
        long[] partialHour = new long[scale.bins()];
        Map<String, Long> low = new HashMap<>();
        for (Map.Entry<Long, VocBucket> e :
                series.minutes.view().subMap(t - HOUR, true, t, false).entrySet()) {
            VocBucket.addInto(lastHour, e.getValue());
            VocBucket.addLowInto(low, e.getValue());
            if (e.getKey() >= hourStart) {
                VocBucket.addInto(partialHour, e.getValue());
            }
        }
        long[] day = partialHour.clone();
        long[] week = partialHour.clone();
        long[] baseline = new long[scale.bins()];
        long dayStart = VocWindows.dayStart(t);
        long weekStart = VocWindows.weekStart(t);
        long baseStart = VocWindows.baselineStart(t);
        long baseEnd = VocWindows.baselineEnd(t);
        for (Map.Entry<Long, VocBucket> e : series.hours.view().entrySet()) {
            long h = e.getKey();
            if (h < hourStart && h >= dayStart) {
                VocBucket.addInto(day, e.getValue());
            }
            if (h < hourStart && h >= weekStart) {
                VocBucket.addInto(week, e.getValue());
            }
            if (h < baseEnd && h >= baseStart) {
                VocBucket.addInto(baseline, e.getValue());
            }
        }
        VocStats hourStats = VocStats.of(scale, lastHour);
        VocStats dayStats = VocStats.of(scale, day);
        out.collect(VocRecords.aggregate(
                key, VocWindows.HOUR_LABEL, t - HOUR, t, lastHour, hourStats, config.minSample, goal));
        VocAggregate dayRecord =
                VocRecords.aggregate(key, VocWindows.DAY_LABEL, dayStart, t, day, dayStats, config.minSample, goal);
        out.collect(dayRecord);
        out.collect(VocRecords.aggregate(
                key, VocWindows.WEEK_LABEL, weekStart, t, week, VocStats.of(scale, week), config.minSample, goal));
        gauges.update(key, hourStats, hourStats.sufficient(config.minSample));

        List<String> top = VocBucket.top(low, VocRecords.TOP_TOUCHPOINTS);
        VocStats baseStats = VocStats.of(scale, baseline);
        double z = trend.significantDrop(hourStats, baseStats);
        if (!Double.isNaN(z) && cooledDown(lastDropAlert, t, config.alertCooldown.toMillis())) {
            lastDropAlert.update(t);
            ctx.output(ALERTS, VocRecords.drop(key, t, hourStats, baseStats, z, top));
        }
        if (dayRecord.getGoalMissedDay() && cooledDown(lastGoalAlert, t, VocWindows.DAY_HOURS * HOUR)) {
            lastGoalAlert.update(t);
            ctx.output(ALERTS, VocRecords.goalMissed(key, t, dayStats, goal, top));
        }
    }

    private static boolean cooledDown(ValueState<Long> lastAlert, long t, long cooldown) throws Exception {
        Long last = lastAlert.value();
        return last == null || t - last >= cooldown;
    }

    /** Drops buckets no window needs any more; when only hour buckets are left, sets the timer that clears them. */
    private void prune(VocStore.Series series, VocKey key, ScoreScale scale, long t, OnTimerContext ctx)
            throws Exception {
        boolean minutesDropped = series.minutes.removeBefore(VocWindows.minuteCutoff(t));
        long newestMinute = series.minutes.newest();
        if (newestMinute != Long.MIN_VALUE) {
            // the newest minute leaves the last hour then (and its timer refreshes the gauges)
            ctx.timerService().registerEventTimeTimer(newestMinute + HOUR + MINUTE);
        } else if (minutesDropped) {
            // an hour without answers: the gauges show no score and no answers
            gauges.update(key, VocStats.of(scale, new long[scale.bins()]), false);
        }
        series.hours.removeBefore(VocWindows.hourCutoff(t));
        long newestHour = series.hours.newest();
        if (newestHour == Long.MIN_VALUE) {
            if (newestMinute == Long.MIN_VALUE) {
                lastEmitted.clear();
                lastDropAlert.clear();
                lastGoalAlert.clear();
            }
        } else if (newestMinute == Long.MIN_VALUE) {
            // the newest hour bucket leaves the baseline 7 d + 2 h after its start
            ctx.timerService().registerEventTimeTimer(newestHour + VocWindows.WEEK_MILLIS + 2 * HOUR);
        }
    }
}
