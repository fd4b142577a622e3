package io.cxstream.io;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One partition's watermark generator on a clock the test turns: random arrival orders, quiet spells
 * and producer clocks from minutes behind to minutes ahead (seeded, so a failure names its seed).
 */
class WallClockWatermarksTest {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    private static final Duration IDLENESS = Duration.ofSeconds(3);
    private static final long OOO = OUT_OF_ORDERNESS.toMillis();
    /** Longest step between two periodic emits in the random runs. */
    private static final long MAX_STEP = 700;

    /** The job's clock and Flink's activity clock, turned by hand. */
    private static final class Clock implements RelativeClock {
        long now = 1_764_460_800_000L; // 2025-11-30T00:00:00Z

        @Override
        public long relativeTimeMillis() {
            return now;
        }

        @Override
        public long relativeTimeNanos() {
            return now * 1_000_000;
        }
    }

    private static final class Output implements WatermarkOutput {
        long watermark = Long.MIN_VALUE;
        int emits;
        boolean idle;

        @Override
        public void emitWatermark(Watermark w) {
            assertThat(w.getTimestamp()).as("watermarks never go back").isGreaterThanOrEqualTo(watermark);
            watermark = w.getTimestamp();
            emits++;
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    private static WallClockWatermarks<Object> generator(Clock clock, boolean live) {
        return new WallClockWatermarks<>(OUT_OF_ORDERNESS, IDLENESS, live, () -> clock.now, clock);
    }

    @ParameterizedTest(name = "live={0}")
    @ValueSource(booleans = {true, false})
    void randomArrivalOrdersAndClocks(boolean live) {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            Clock clock = new Clock();
            Output out = new Output();
            WallClockWatermarks<Object> generator = generator(clock, live);
            long maxClamped = Long.MIN_VALUE; // newest event time, capped at the clock in live mode
            long lastRecordAt = Long.MIN_VALUE;
            boolean seen = false;
            for (int step = 0; step < 400; step++) {
                // Bursts, pauses and quiet spells longer than the idleness.
                clock.now += random.nextInt(10) == 0 ? random.nextInt((int) MAX_STEP) : random.nextInt(50);
                int records = random.nextInt(4) == 0 ? random.nextInt(5) : 0;
                if (random.nextInt(8) == 0) {
                    records = 0;
                    for (long quietUntil = clock.now + IDLENESS.toMillis() * 2;
                            clock.now < quietUntil;
                            clock.now += MAX_STEP) {
                        generator.onPeriodicEmit(out);
                        check(seed, live, clock, out, maxClamped, lastRecordAt, seen);
                    }
                }
                for (int r = 0; r < records; r++) {
                    long ts;
                    switch (random.nextInt(6)) {
                        case 0:
                            ts = clock.now + Duration.ofMinutes(5).toMillis();
                            break; // a clock 5 min fast
                        case 1:
                            ts = clock.now
                                    + random.nextInt(
                                            (int) Duration.ofMinutes(10).toMillis());
                            break;
                        case 2:
                            ts = clock.now
                                    - random.nextInt((int) Duration.ofHours(1).toMillis());
                            break; // a backlog
                        case 3:
                            ts = Long.MIN_VALUE;
                            break; // a dead letter
                        default:
                            ts = clock.now - random.nextInt((int) OOO);
                            break; // on time
                    }
                    generator.onEvent(new Object(), ts, out);
                    seen = true;
                    lastRecordAt = clock.now;
                    if (ts != Long.MIN_VALUE) {
                        maxClamped = Math.max(maxClamped, live ? Math.min(ts, clock.now) : ts);
                    }
                }
                generator.onPeriodicEmit(out);
                check(seed, live, clock, out, maxClamped, lastRecordAt, seen);
            }
        }
    }

    private static void check(
            long seed, boolean live, Clock clock, Output out, long maxClamped, long lastRecordAt, boolean seen) {
        String at = "seed " + seed + ", t=" + clock.now;
        if (live) {
            assertThat(out.watermark)
                    .as("live: never past the clock minus out-of-orderness (%s)", at)
                    .isLessThanOrEqualTo(clock.now - OOO - 1);
        } else {
            assertThat(out.watermark)
                    .as("replay: event time is what the events say (%s)", at)
                    .isLessThanOrEqualTo(maxClamped == Long.MIN_VALUE ? Long.MIN_VALUE : maxClamped - OOO - 1);
        }
        boolean surelyQuiet = seen
                ? clock.now - lastRecordAt > IDLENESS.toMillis() + MAX_STEP
                : clock.now - new Clock().now > IDLENESS.toMillis() + MAX_STEP;
        if (!seen) {
            assertThat(out.emits == 0 || out.watermark < 0)
                    .as("no record, no event time (%s)", at)
                    .isTrue();
            if (surelyQuiet) {
                assertThat(out.idle).as("no record: idle (%s)", at).isTrue();
            }
        } else if (surelyQuiet && live) {
            assertThat(out.idle).as("quiet live partition is not idle (%s)", at).isFalse();
            assertThat(out.watermark)
                    .as("quiet live partition follows the clock (%s)", at)
                    .isEqualTo(clock.now - OOO - 1);
        } else if (surelyQuiet) {
            assertThat(out.idle).as("quiet replay partition is idle (%s)", at).isTrue();
            assertThat(out.watermark)
                    .as("replay: only events move event time (%s)", at)
                    .isLessThanOrEqualTo(maxClamped == Long.MIN_VALUE ? Long.MIN_VALUE : maxClamped - OOO - 1);
        } else if (!out.idle && maxClamped != Long.MIN_VALUE && clock.now - lastRecordAt <= IDLENESS.toMillis()) {
            assertThat(out.watermark)
                    .as("active: at least the newest (capped) event time minus out-of-orderness (%s)", at)
                    .isGreaterThanOrEqualTo(maxClamped - OOO - 1);
        }
    }

    @Test
    void aRecordFromAFastClockMovesEventTimeOnlyToTheJobsClock() {
        Clock clock = new Clock();
        Output out = new Output();
        WallClockWatermarks<Object> generator = generator(clock, true);
        long start = clock.now;
        generator.onEvent(new Object(), start + Duration.ofMinutes(5).toMillis(), out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermark).isEqualTo(start - OOO - 1);
        // A correct producer's event, stamped now and arriving within out-of-orderness, is not behind it.
        clock.now += OOO;
        assertThat(start).isGreaterThan(out.watermark);
        generator.onEvent(new Object(), start + 100, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermark).isEqualTo(start + 100 - OOO - 1);
    }

    @Test
    void aQuietLivePartitionFollowsTheClockAfterTheIdleness() {
        Clock clock = new Clock();
        Output out = new Output();
        WallClockWatermarks<Object> generator = generator(clock, true);
        long t = clock.now;
        generator.onEvent(new Object(), t, out);
        long lastWatermark = Long.MIN_VALUE;
        for (int i = 0; i < 100; i++) { // 10 s of periodic emits, 100 ms apart
            clock.now += 100;
            generator.onPeriodicEmit(out);
            assertThat(out.idle).isFalse();
            assertThat(out.watermark).isGreaterThanOrEqualTo(lastWatermark);
            lastWatermark = out.watermark;
        }
        assertThat(out.watermark).isEqualTo(clock.now - OOO - 1);
        assertThat(out.watermark).as("past the event: its alerts can leave").isGreaterThan(t);
    }

    @Test
    void inAReplayTheJobsClockPlaysNoPart() {
        Clock clock = new Clock();
        Output out = new Output();
        WallClockWatermarks<Object> generator = generator(clock, false);
        long ahead = clock.now + Duration.ofMinutes(5).toMillis();
        generator.onEvent(new Object(), ahead, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermark).isEqualTo(ahead - OOO - 1);
    }

    @Test
    void aQuietReplayPartitionIsMarkedIdleAndHoldsItsEventTime() {
        Clock clock = new Clock();
        Output out = new Output();
        WallClockWatermarks<Object> generator = generator(clock, false);
        long old = clock.now - Duration.ofDays(40).toMillis();
        generator.onEvent(new Object(), old, out);
        for (int i = 0; i < 100; i++) {
            clock.now += 100;
            generator.onPeriodicEmit(out);
        }
        assertThat(out.idle).isTrue();
        assertThat(out.watermark).isEqualTo(old - OOO - 1);
    }
}
