package io.cxstream.generator;

import java.time.Duration;

/**
 * Paces sends to a target rate without drift: the k-th event is due at {@code start + k / rate},
 * an absolute schedule, so late wake-ups and slow sends are made up for instead of accumulating.
 * When the sender falls more than {@code maxCatchUp} behind (a stalled broker, a GC pause), the
 * missed slots beyond that are forgotten, so it never bursts more than {@code maxCatchUp} worth of
 * events at once.
 *
 * <p>A pure function of the times it is given (no clock of its own). Not thread-safe.
 */
final class Pacer {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double nanosPerEvent;
    private final long maxCatchUpNanos;
    private long originNanos;
    private long granted;

    /**
     * @param eventsPerSecond target rate; 0 or negative for no limit
     * @param maxCatchUp how far behind the schedule the sender may fall and still catch up
     * @param startNanos the time (on the caller's monotonic clock) the first event is due
     */
    Pacer(double eventsPerSecond, Duration maxCatchUp, long startNanos) {
        if (Double.isNaN(eventsPerSecond) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("eventsPerSecond must be finite but was " + eventsPerSecond);
        }
        if (maxCatchUp.isNegative()) {
            throw new IllegalArgumentException("maxCatchUp must not be negative but was " + maxCatchUp);
        }
        this.nanosPerEvent = eventsPerSecond > 0 ? NANOS_PER_SECOND / eventsPerSecond : 0;
        this.maxCatchUpNanos = maxCatchUp.toNanos();
        this.originNanos = startNanos;
    }

    /** Whether there is no rate limit. */
    boolean unlimited() {
        return nanosPerEvent == 0;
    }

    /**
     * How long to wait, from {@code nowNanos}, until the next event is due; 0 if it may go now.
     * Forgets the part of a backlog beyond the catch-up limit.
     */
    long nanosUntilNext(long nowNanos) {
        if (unlimited()) {
            return 0;
        }
        long due = dueNanos(granted);
        long behind = nowNanos - due;
        if (behind > maxCatchUpNanos) {
            originNanos += behind - maxCatchUpNanos;
            due = dueNanos(granted);
        }
        return Math.max(0, due - nowNanos);
    }

    /** Records that the next event was sent; the one after it is due one interval later. */
    void sent() {
        granted++;
    }

    /** Events sent so far. */
    long granted() {
        return granted;
    }

    private long dueNanos(long event) {
        return originNanos + (long) (event * nanosPerEvent);
    }
}
