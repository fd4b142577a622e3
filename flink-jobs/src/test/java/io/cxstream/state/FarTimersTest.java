package io.cxstream.state;

import io.cxstream.avro.InteractionType;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.JourneyHarness;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule engine's timers far ahead of the watermark wait in keyed state, not on the heap, and still
 * fire exactly when the watermark passes them: the default error-then-abandon rule (an ERROR at
 * checkout, no ORDER_PLACED within 15 minutes) over random customers, random arrival orders and random
 * watermark steps, across a restore and a rescale.
 */
class FarTimersTest {
    private static final long MIN = 60_000L;
    private static final long WINDOW = 15 * MIN;

    /** A customer's error, and the order that cancels it (0: none). */
    private record Journey(String customer, long error, long order) {
        long deadline() {
            return error + WINDOW;
        }

        boolean fires() {
            return order == 0;
        }
    }

    private static List<Journey> journeys(Random random, int customers) {
        List<Journey> all = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            long error = T0 + random.nextInt((int) (10 * MIN));
            long order = random.nextInt(3) == 0 ? error + 1 + random.nextInt((int) WINDOW - 1) : 0;
            all.add(new Journey("customer-" + i, error, order));
        }
        return all;
    }

    /** Sends every journey's events in a random arrival order, all ahead of the watermark at T0 - 1. */
    private static void send(JourneyHarness h, List<Journey> journeys, Random random) throws Exception {
        List<Object[]> events = new ArrayList<>();
        for (Journey j : journeys) {
            events.add(new Object[] {j.customer, j.error, InteractionType.ERROR});
            if (j.order != 0) {
                events.add(new Object[] {j.customer, j.order, InteractionType.ORDER_PLACED});
            }
        }
        Collections.shuffle(events, random);
        for (Object[] e : events) {
            h.interaction((String) e[0], (Long) e[1], (InteractionType) e[2], "checkout");
        }
    }

    /** Customer → finding's record timestamp, of every finding so far (each customer at most once). */
    private static Map<String, Long> fired(List<StreamRecord<Trigger>> records) {
        Map<String, Long> fired = new TreeMap<>();
        for (StreamRecord<Trigger> r : records) {
            if (r.getValue().isFinding()) {
                assertThat(r.getValue().trigger).isEqualTo("ERROR_THEN_ABANDON");
                assertThat(fired.put(r.getValue().customerId, r.getTimestamp()))
                        .as("one finding per customer")
                        .isNull();
            }
        }
        return fired;
    }

    private static Map<String, Long> expected(List<Journey> journeys, long watermark) {
        Map<String, Long> expected = new TreeMap<>();
        for (Journey j : journeys) {
            if (j.fires() && j.deadline() <= watermark) {
                expected.put(j.customer, j.deadline());
            }
        }
        return expected;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void farDeadlinesWaitOffTheHeapAndFireExactlyWhenTheWatermarkPassesThem(long seed) throws Exception {
        Random random = new Random(seed);
        List<Journey> journeys = journeys(random, 300);
        int restartAtStep = 3 + random.nextInt(10);
        try (JourneyHarness h = new JourneyHarness(Map.of(), seed == 1).open()) {
            h.watermark(T0 - 1);
            send(h, journeys, random);
            long firstMinute =
                    journeys.stream().filter(j -> j.error < T0 - 1 + MIN).count();
            assertThat(h.harness().numEventTimeTimers())
                    .as("the events of the first minute on the heap; later ones in lists, one heap timer per minute")
                    .isLessThanOrEqualTo((int) firstMinute + 26);
            long watermark = T0 - 1;
            boolean checkedHeap = false;
            for (int step = 0; watermark < T0 + 40 * MIN; step++) {
                watermark += 1 + random.nextInt((int) (3 * MIN));
                h.watermark(watermark);
                if (step == restartAtStep) {
                    h.restart();
                }
                assertThat(fired(h.triggerRecords()))
                        .as("findings at watermark %d: exactly the deadlines passed, stamped with them", watermark)
                        .isEqualTo(expected(journeys, watermark));
                if (watermark > T0 + 11 * MIN && watermark < T0 + 24 * MIN) {
                    checkedHeap = true;
                    long now = watermark;
                    long near = journeys.stream()
                            .filter(j -> j.deadline() > now && j.deadline() <= now + 2 * MIN)
                            .count();
                    assertThat(h.harness().numEventTimeTimers())
                            .as("on the heap: the deadlines of the next two minutes and one timer per later minute")
                            .isLessThanOrEqualTo((int) near + 16);
                }
            }
            assertThat(checkedHeap).isTrue();
            assertThat(fired(h.triggerRecords()))
                    .hasSize((int) journeys.stream().filter(Journey::fires).count());
        }
    }

    @Test
    void parkedTimersMoveWithTheirKeyGroupsWhenTheJobIsRescaled() throws Exception {
        Random random = new Random(7);
        List<Journey> journeys = journeys(random, 400);
        int maxParallelism = 8;
        OperatorSubtaskState snapshot;
        try (JourneyHarness one =
                JourneyHarness.subtask(Map.of(), true, maxParallelism, 1, 0).open()) {
            one.watermark(T0 - 1);
            send(one, journeys, random);
            one.watermark(T0 + 12 * MIN); // every event applied, every deadline parked
            assertThat(one.triggers()).isEmpty();
            long watermark = T0 + 12 * MIN;
            Set<String> expectedTimers = new HashSet<>();
            for (Journey j : journeys) {
                for (long due : j.order > watermark ? List.of(j.deadline(), j.order) : List.of(j.deadline())) {
                    expectedTimers.add(
                            due - FarTimers.BUCKET_MILLIS <= watermark
                                    ? j.customer + "@" + due
                                    : KeyGroupRangeAssignment.assignToKeyGroup(j.customer, maxParallelism) + "@"
                                            + (due - due % FarTimers.BUCKET_MILLIS));
                }
            }
            assertThat(one.harness().numEventTimeTimers())
                    .as("at most one per customer due within the next minute, one per key group and later minute")
                    .isLessThanOrEqualTo(expectedTimers.size())
                    .isLessThan(journeys.size() / 2);
            snapshot = one.snapshot();
        }
        Map<String, Long> all = new TreeMap<>();
        for (int index = 0; index < 2; index++) {
            KeyGroupRange range =
                    KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism, 2, index);
            try (JourneyHarness part = JourneyHarness.subtask(Map.of(), true, maxParallelism, 2, index)) {
                part.restoreFrom(snapshot, 1);
                part.watermark(T0 + 20 * MIN);
                part.watermark(T0 + 40 * MIN);
                Map<String, Long> fired = fired(part.triggerRecords());
                for (String customer : fired.keySet()) {
                    assertThat(range.contains(KeyGroupRangeAssignment.assignToKeyGroup(customer, maxParallelism)))
                            .as("%s fired on the subtask that owns its key group", customer)
                            .isTrue();
                }
                assertThat(Collections.disjoint(all.keySet(), fired.keySet())).isTrue();
                all.putAll(fired);
            }
        }
        assertThat(all).isEqualTo(expected(journeys, Long.MAX_VALUE));
    }

    @Test
    void slotKeysAreBlankOnePerKeyGroupAndTheSameOnEverySubtask() {
        String[] whole = FarTimers.slotKeys(128, new KeyGroupRange(0, 127));
        Set<String> distinct = new HashSet<>();
        for (int kg = 0; kg < whole.length; kg++) {
            assertThat(whole[kg]).isBlank();
            assertThat(FarTimers.isSlotKey(whole[kg])).isTrue();
            assertThat(KeyGroupRangeAssignment.assignToKeyGroup(whole[kg], 128)).isEqualTo(kg);
            distinct.add(whole[kg]);
        }
        assertThat(distinct).hasSize(128);
        String[] upper = FarTimers.slotKeys(128, new KeyGroupRange(64, 127));
        for (int kg = 64; kg < 128; kg++) {
            assertThat(upper[kg - 64]).isEqualTo(whole[kg]);
        }
        assertThat(FarTimers.slotKeys(32768, new KeyGroupRange(0, 32767))).doesNotContainNull();
        assertThat(FarTimers.isSlotKey("customer-1")).isFalse();
        assertThat(FarTimers.isSlotKey("\ncustomer")).isFalse();
    }
}
