package io.cxstream.bench;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event time (= Kafka record timestamp) of a paced load, against coordinated omission: the n-th event
 * sent is stamped with its <em>intended</em> send time, {@code start + n / rate}, not with the moment
 * it was actually sent. Used with a {@link io.cxstream.generator.SyntheticLoad} whose catch-up limit is
 * unbounded ({@link BenchMain#NEVER_DROP}), the generator never skips a slot: after a stall (its own GC,
 * a slow broker) it sends the missed events back to back, and their timestamps still say when they
 * should have gone out. Latency measured from these timestamps therefore includes the stall in full,
 * for every event that should have been sent during it. {@link #maxBehindMillis()} says how far the
 * sender ever fell behind its schedule. Called once per event, by the load's thread.
 */
final class IntendedTimeClock implements InstantSource {
    private final double millisPerEvent;
    private final AtomicLong n = new AtomicLong();
    private final AtomicLong maxBehind = new AtomicLong();
    private volatile long start = Long.MIN_VALUE;

    IntendedTimeClock(double eventsPerSecond) {
        this.millisPerEvent = 1000.0 / eventsPerSecond;
    }

    @Override
    public Instant instant() {
        long now = System.currentTimeMillis();
        if (start == Long.MIN_VALUE) {
            start = now; // the first slot is due when the load starts
        }
        long intended = start + (long) (n.getAndIncrement() * millisPerEvent);
        maxBehind.accumulateAndGet(now - intended, Math::max);
        return Instant.ofEpochMilli(intended);
    }

    /** The largest delay of an actual send behind its intended time so far, ms. */
    long maxBehindMillis() {
        return maxBehind.get();
    }
}
