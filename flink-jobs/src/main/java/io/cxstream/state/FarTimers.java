package io.cxstream.state;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * Event-time timers far ahead of the watermark, parked in keyed state instead of Flink's heap timer
 * queue: a timer more than {@link #BUCKET_MILLIS} past the current watermark is appended, with its
 * customer, to a list for its minute of event time and its key group, and one heap timer per key group
 * and minute stands for the whole list. When that heap timer fires (the watermark reached the minute's
 * start), every timer in the list is registered as the customer's own heap timer, which then fires at
 * its exact time in the same watermark advance or a later one. A parked timer therefore fires exactly
 * when it would have on the heap.
 *
 * <p>Why: with RocksDB, Flink writes every heap timer on the task thread into every checkpoint; a rule
 * waiting 15 minutes of event time for an absence held one heap timer per waiting customer, which grew
 * to a tenth of the journey thread in later paced attempts (docs/rule-engine.md). Parked, such a timer
 * is one list append in the state backend (incremental in RocksDB checkpoints) and is on the heap only
 * for its last minute. Before the first watermark nothing is far, so every timer goes to the heap.
 *
 * <p>The lists live under one key per key group ({@link #slotKeys}: blank, so never a customer id, which
 * validation requires non-blank) and under their minute as namespace, so they move with their key
 * group when the job is rescaled and are part of every checkpoint and savepoint. A timer is not taken
 * off a list when its customer's state changes or is erased; it fires at its time and finds nothing to
 * do, as a heap timer would. The same timer parked twice is registered twice, which the heap queue
 * de-duplicates.
 */
public final class FarTimers implements TimerService {
    /** Granularity of the parked lists, and how far past the watermark a timer must be to be parked. */
    public static final long BUCKET_MILLIS = 60_000L;

    static final ListStateDescriptor<Tuple2<String, Long>> PARKED =
            new ListStateDescriptor<>("far-timers", Types.TUPLE(Types.STRING, Types.LONG));

    private final KeyedStateBackend<String> backend;
    private final KeyContext keys;
    private final int maxParallelism;
    private final KeyGroupRange range;
    private final String[] slotKeys;
    private TimerService timers;

    /**
     * @param backend the operator's keyed state backend (where the lists are kept)
     * @param keys the operator, whose current key this switches to a slot key and back
     * @param maxParallelism the operator's number of key groups
     * @param range the key groups of this subtask
     */
    public FarTimers(KeyedStateBackend<String> backend, KeyContext keys, int maxParallelism, KeyGroupRange range) {
        this.backend = backend;
        this.keys = keys;
        this.maxParallelism = maxParallelism;
        this.range = range;
        this.slotKeys = slotKeys(maxParallelism, range);
    }

    /** Parks timers for the key groups of the subtask {@code task} describes. */
    public static FarTimers forSubtask(KeyedStateBackend<String> backend, KeyContext keys, TaskInfo task) {
        int maxParallelism = task.getMaxNumberOfParallelSubtasks();
        return new FarTimers(
                backend,
                keys,
                maxParallelism,
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask()));
    }

    /** This service, registering through {@code timers} (the context's) until the next call. */
    public FarTimers around(TimerService timers) {
        this.timers = timers;
        return this;
    }

    /** Whether {@code key} is a key group's slot key (a heap timer under it stands for a parked list). */
    public static boolean isSlotKey(String key) {
        return !key.isEmpty() && key.charAt(0) == '\n' && key.isBlank();
    }

    /**
     * Parks {@code time} for the current key if it is more than {@link #BUCKET_MILLIS} past the
     * watermark, otherwise registers it on the heap.
     */
    @Override
    public void registerEventTimeTimer(long time) {
        long watermark = timers.currentWatermark();
        if (watermark == Long.MIN_VALUE || time - BUCKET_MILLIS <= watermark) {
            timers.registerEventTimeTimer(time);
            return;
        }
        String customer = (String) keys.getCurrentKey();
        int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(customer, maxParallelism);
        long bucket = time - Math.floorMod(time, BUCKET_MILLIS); // after the watermark: time - BUCKET_MILLIS < bucket
        keys.setCurrentKey(slotKeys[keyGroup - range.getStartKeyGroup()]);
        try {
            parked(bucket).add(Tuple2.of(customer, time));
            timers.registerEventTimeTimer(bucket);
        } catch (Exception e) {
            throw new IllegalStateException("could not park an event-time timer", e);
        } finally {
            keys.setCurrentKey(customer);
        }
    }

    /**
     * A slot key's heap timer at {@code bucket} fired (the current key is the slot key): registers every
     * timer parked for that minute under its own customer, and lets the list go.
     */
    public void unpark(long bucket) throws Exception {
        Object slot = keys.getCurrentKey();
        ListState<Tuple2<String, Long>> list = parked(bucket);
        Iterable<Tuple2<String, Long>> due = list.get();
        if (due == null) {
            return;
        }
        try {
            for (Tuple2<String, Long> t : due) {
                keys.setCurrentKey(t.f0);
                timers.registerEventTimeTimer(t.f1);
            }
        } finally {
            keys.setCurrentKey(slot);
        }
        list.clear();
    }

    private ListState<Tuple2<String, Long>> parked(long bucket) throws Exception {
        return backend.getPartitionedState(bucket, LongSerializer.INSTANCE, PARKED);
    }

    /**
     * One slot key per key group in {@code range}: for each, the first of the blank strings "\n" + the
     * binary digits of i as spaces and tabs (i = 0, 1, …) that falls into it; the same on every subtask
     * and after every rescale.
     */
    static String[] slotKeys(int maxParallelism, KeyGroupRange range) {
        String[] slots = new String[range.getNumberOfKeyGroups()];
        int missing = slots.length;
        for (long i = 0; missing > 0; i++) {
            String key = blank(i);
            int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (range.contains(keyGroup) && slots[keyGroup - range.getStartKeyGroup()] == null) {
                slots[keyGroup - range.getStartKeyGroup()] = key;
                missing--;
            }
        }
        return slots;
    }

    private static String blank(long i) {
        StringBuilder b = new StringBuilder(66).append('\n');
        for (long bits = i; bits > 0; bits >>>= 1) {
            b.append((bits & 1) == 0 ? ' ' : '\t');
        }
        return b.toString();
    }

    @Override
    public long currentProcessingTime() {
        return timers.currentProcessingTime();
    }

    @Override
    public long currentWatermark() {
        return timers.currentWatermark();
    }

    @Override
    public void registerProcessingTimeTimer(long time) {
        timers.registerProcessingTimeTimer(time);
    }

    @Override
    public void deleteProcessingTimeTimer(long time) {
        timers.deleteProcessingTimeTimer(time);
    }

    /** Not supported: a parked timer could not be found to delete (the rule engine deletes none). */
    @Override
    public void deleteEventTimeTimer(long time) {
        throw new UnsupportedOperationException("event-time timers are not deleted here");
    }
}
