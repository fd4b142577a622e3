package io.cxstream.bench;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event time of the preloaded backlog: a replay of {@value #BACKLOG_EVENT_TIME_RATE} events per second of
 * event time that ends now, so that the watermark moves through the backlog and the event-time detectors
 * fire as they would on live traffic (sent as fast as possible, the wall clock would squeeze the whole
 * backlog into a second or two of event time). One instant per event sent.
 */
final class BacklogClock implements InstantSource {
    /** Events per second of event time in the preloaded backlog. */
    static final long BACKLOG_EVENT_TIME_RATE = 200;

    private final long start;
    private final AtomicLong n = new AtomicLong();

    BacklogClock(long endMillis, long events) {
        this.start = endMillis - events * 1000 / BACKLOG_EVENT_TIME_RATE;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(start + n.getAndIncrement() * 1000 / BACKLOG_EVENT_TIME_RATE);
    }
}
