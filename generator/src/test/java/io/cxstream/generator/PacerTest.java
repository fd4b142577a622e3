package io.cxstream.generator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pacing schedule, on a fake clock: no real time passes. */
class PacerTest {
    private static final long MS = Duration.ofMillis(1).toNanos();
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final Duration CATCH_UP = Duration.ofMillis(100);
    /** An arbitrary origin, as System.nanoTime() would give. */
    private static final long T0 = 123_456_789_000L;

    @Test
    void firstEventGoesAtOnceThenOneEveryInterval() {
        Pacer pacer = new Pacer(10, CATCH_UP, T0);

        assertThat(pacer.nanosUntilNext(T0)).isZero();
        pacer.sent();
        assertThat(pacer.nanosUntilNext(T0)).isEqualTo(100 * MS);
        assertThat(pacer.nanosUntilNext(T0 + 60 * MS)).isEqualTo(40 * MS);
        assertThat(pacer.nanosUntilNext(T0 + 100 * MS)).isZero();
        pacer.sent();
        assertThat(pacer.nanosUntilNext(T0 + 150 * MS)).isEqualTo(50 * MS);
    }

    @Test
    void unlimitedNeverWaits() {
        for (double rate : new double[] {0, -1}) {
            Pacer pacer = new Pacer(rate, CATCH_UP, T0);
            assertThat(pacer.unlimited()).isTrue();
            for (int i = 0; i < 1_000; i++) {
                assertThat(pacer.nanosUntilNext(T0)).isZero();
                pacer.sent();
            }
        }
    }

    /**
     * A sender that always wakes up late (by up to 3 ms, as real sleeps do) still sends exactly
     * at the target rate on average: the schedule is absolute, lateness does not add up.
     */
    @Test
    void lateWakeUpsDoNotMakeTheRateDrift() {
        double rate = 1_000;
        int events = 10_000;
        FakeSender sender = new FakeSender(new Pacer(rate, CATCH_UP, T0), T0, new SplittableRandom(1), 3 * MS);

        sender.sendUntil(events);

        long elapsed = sender.now - T0;
        long expected = (long) ((events - 1) * SECOND / rate);
        assertThat(elapsed).isBetween(expected, expected + 3 * MS);
        // a naive "sleep one interval after each send" would be ~1.5 ms late per event: 15 s instead of 10
    }

    @Test
    void fractionalRatesKeepTheirAverage() {
        FakeSender sender = new FakeSender(new Pacer(3, CATCH_UP, T0), T0, new SplittableRandom(2), MS);

        sender.sendUntil(3_001);

        assertThat(sender.now - T0).isBetween(1_000 * SECOND, 1_000 * SECOND + MS);
    }

    @Test
    void aStallIsMadeUpOnlyWithinTheCatchUpLimit() {
        double rate = 100; // one event per 10 ms
        Pacer pacer = new Pacer(rate, CATCH_UP, T0);
        pacer.sent();

        long afterStall = T0 + 5 * SECOND;
        int burst = 0;
        while (pacer.nanosUntilNext(afterStall) == 0) {
            pacer.sent();
            burst++;
        }

        // 100 ms of backlog at 10 ms per event, plus the one due right now
        assertThat(burst).isEqualTo(11);
        assertThat(pacer.nanosUntilNext(afterStall)).isEqualTo(10 * MS);
    }

    @Test
    void withoutCatchUpALateSenderJustContinuesFromNow() {
        Pacer pacer = new Pacer(100, Duration.ZERO, T0);
        pacer.sent();

        assertThat(pacer.nanosUntilNext(T0 + SECOND)).isZero();
        pacer.sent();
        assertThat(pacer.nanosUntilNext(T0 + SECOND)).isEqualTo(10 * MS);
    }

    @Test
    void countsWhatWasSent() {
        Pacer pacer = new Pacer(5, CATCH_UP, T0);
        pacer.sent();
        pacer.sent();

        assertThat(pacer.granted()).isEqualTo(2);
    }

    @Test
    void refusesNonFiniteRatesAndNegativeCatchUp() {
        assertThatThrownBy(() -> new Pacer(Double.NaN, CATCH_UP, T0)).hasMessageContaining("eventsPerSecond");
        assertThatThrownBy(() -> new Pacer(Double.POSITIVE_INFINITY, CATCH_UP, T0))
                .hasMessageContaining("eventsPerSecond");
        assertThatThrownBy(() -> new Pacer(1, Duration.ofMillis(-1), T0)).hasMessageContaining("maxCatchUp");
    }

    /** Sends as the pacer allows, sleeping on a fake clock that oversleeps by a random amount. */
    private static final class FakeSender {
        final Pacer pacer;
        final SplittableRandom random;
        final long maxOversleep;
        long now;

        FakeSender(Pacer pacer, long start, SplittableRandom random, long maxOversleep) {
            this.pacer = pacer;
            this.now = start;
            this.random = random;
            this.maxOversleep = maxOversleep;
        }

        void sendUntil(int events) {
            while (true) {
                long wait = pacer.nanosUntilNext(now);
                if (wait > 0) {
                    now += wait + random.nextLong(maxOversleep);
                    continue;
                }
                pacer.sent();
                if (pacer.granted() == events) {
                    return;
                }
            }
        }
    }
}
