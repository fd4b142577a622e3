package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link VocAggregateFunction} in Flink's keyed harness, on RocksDB as in production: by default in
 * {@link VocAggregateOperator} with the job's heap cache ({@value #CACHE_KEYS} series, written back at
 * snapshots), or with a cache of a given size (0: every change written at once).
 */
final class VocHarness implements AutoCloseable {
    static final int CACHE_KEYS = 1_024;
    static final long T0 = 1_764_460_800_000L; // 2025-11-30T00:00:00Z, a whole hour
    static final long MIN = 60_000L;
    static final long HOUR = 3_600_000L;

    private final KeyedOneInputStreamOperatorTestHarness<String, VocAnswer, VocAggregate> harness;

    private final VocAggregateFunction function;
    private long snapshots;

    VocHarness(VocConfig config, OperatorSubtaskState restoreFrom) throws Exception {
        this(config, restoreFrom, CACHE_KEYS);
    }

    VocHarness(VocConfig config, OperatorSubtaskState restoreFrom, int cacheKeys) throws Exception {
        function = new VocAggregateFunction(config).withCache(cacheKeys);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new VocAggregateOperator(function), VocAnswer::aggregationKey, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    VocHarness(VocConfig config) throws Exception {
        this(config, null);
    }

    /** cx_voc_cache_hits, cx_voc_cache_misses, cx_voc_state_writes so far. */
    long[] cacheCounts() {
        return function.store().counts();
    }

    /** Keys whose minute buckets are in RocksDB right now. */
    Set<String> keysWithMinutesInBackend() {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        try (Stream<String> k = backend.getKeys(VocAggregateFunction.MINUTES.getName(), VoidNamespace.INSTANCE)) {
            return k.collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static VocConfig config(int minSample) {
        return config(minSample, Map.of());
    }

    static VocConfig config(int minSample, Map<String, Double> goals) {
        return new VocConfig(
                true,
                "cx.voc",
                "cx.voc.alerts",
                minSample,
                200,
                Set.of(VocDimension.values()),
                10.0,
                3.5,
                Duration.ofHours(6),
                goals);
    }

    static VocAnswer answer(VocDimension d, String value, FeedbackMetric metric, int score, long t) {
        return new VocAnswer(d, value, metric, score, t, d == VocDimension.TOUCHPOINT ? value : "delivery");
    }

    static VocAnswer nps(String touchpoint, int score, long t) {
        return answer(VocDimension.TOUCHPOINT, touchpoint, FeedbackMetric.NPS, score, t);
    }

    void send(VocAnswer a) throws Exception {
        harness.processElement(new StreamRecord<>(a, a.eventTime));
    }

    void watermark(long t) throws Exception {
        harness.processWatermark(new Watermark(t));
    }

    /** The aggregates emitted so far (and clears them), each with its record timestamp checked by the caller. */
    List<StreamRecord<VocAggregate>> takeRecords() {
        List<StreamRecord<VocAggregate>> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                @SuppressWarnings("unchecked")
                StreamRecord<VocAggregate> rec = (StreamRecord<VocAggregate>) r;
                out.add(rec);
            }
        }
        harness.getOutput().clear();
        return out;
    }

    List<VocAggregate> take() {
        return takeRecords().stream().map(StreamRecord::getValue).toList();
    }

    List<VocTrendAlert> alerts() {
        List<VocTrendAlert> out = new ArrayList<>();
        var side = harness.getSideOutput(VocAggregateFunction.ALERTS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        snapshots = Math.max(snapshots, checkpointId);
        return harness.snapshot(checkpointId, checkpointId);
    }

    /**
     * Keys that have an entry in any of the function's keyed states as a snapshot taken now holds them
     * (on RocksDB, where the harness cannot count entries).
     */
    Set<String> keysWithState() throws Exception {
        snapshot(snapshots + 1);
        return keysInBackend();
    }

    /** Keys that have an entry in any of the function's keyed states in RocksDB right now (changes held back on the heap not included). */
    private Set<String> keysInBackend() {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        Set<String> keys = new TreeSet<>();
        for (String state : List.of(
                VocAggregateFunction.MINUTES.getName(),
                VocAggregateFunction.HOURS.getName(),
                VocAggregateFunction.LAST_EMITTED.getName(),
                VocAggregateFunction.LAST_DROP_ALERT.getName(),
                VocAggregateFunction.LAST_GOAL_ALERT.getName())) {
            try (Stream<String> k = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                keys.addAll(k.collect(Collectors.toSet()));
            }
        }
        return keys;
    }

    int timers() {
        return harness.numEventTimeTimers();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
