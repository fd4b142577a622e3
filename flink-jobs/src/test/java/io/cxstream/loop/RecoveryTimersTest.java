package io.cxstream.loop;

import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.Priority;
import io.cxstream.avro.RecoveryOutcome;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.cxstream.loop.LifecycleHarness.MIN;
import static io.cxstream.loop.LifecycleHarness.T0;
import static io.cxstream.loop.LifecycleHarness.outreach;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every outreach followed for recovery waits {@code outreach.recovery.period} (by default 7 days) of
 * event time for its outcome; those timers wait in keyed state rather than one per outreach on the
 * heap, and each outcome still comes exactly when the watermark passes the end of its period, across a
 * restore.
 */
class RecoveryTimersTest {
    private static final long PERIOD = 7L * 24 * 60 * MIN;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void recoveryPeriodsEndExactlyWithFewTimersOnTheHeap(long seed) throws Exception {
        Random random = new Random(seed);
        Map<String, Long> ends = new TreeMap<>();
        for (int i = 0; i < 200; i++) {
            ends.put("customer-" + i, T0 + random.nextInt((int) (60 * MIN)) + PERIOD);
        }
        List<String> outcomes = new ArrayList<>();
        try (LifecycleHarness h = new LifecycleHarness(seed == 1)) {
            h.watermark(T0 - 1);
            for (var e : ends.entrySet()) {
                h.send(outreach(e.getKey(), "detractor", "DETRACTOR", Priority.P2, e.getValue() - PERIOD));
            }
            assertThat(h.eventTimeTimers())
                    .as("one heap timer per minute of event time for the 200 periods (one key group)")
                    .isLessThanOrEqualTo(61);
            long watermark = T0 - 1;
            boolean restarted = false;
            while (watermark < T0 + PERIOD + 2 * 60 * MIN) {
                watermark += 1 + random.nextInt((int) (10 * MIN));
                h.watermark(watermark);
                List<String> now = new ArrayList<>(outcomes);
                for (OutreachUpdate u : h.updates()) {
                    if (u.getRecovery() != null) {
                        assertThat(u.getRecovery()).isEqualTo(RecoveryOutcome.NOT_RECOVERED);
                        now.add(u.getCustomerId());
                    }
                }
                long w = watermark;
                assertThat(now)
                        .as("outcomes at watermark %d: exactly the periods that ended", watermark)
                        .containsExactlyInAnyOrderElementsOf(ends.entrySet().stream()
                                .filter(e -> e.getValue() <= w)
                                .map(Map.Entry::getKey)
                                .toList());
                if (!restarted && watermark > T0 + PERIOD + 20 * MIN) {
                    outcomes = now; // the restart drops the outputs so far
                    h.restart();
                    restarted = true;
                }
            }
            assertThat(restarted).isTrue();
        }
    }
}
