package io.cxstream.io;

import io.cxstream.config.CxConfig;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.util.clock.RelativeClock;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The job's watermarks: bounded out-of-orderness, held to the job's clock, and moving with the
 * clock when the input is quiet.
 *
 * <p>The Kafka source runs one generator per partition and combines them: its watermark is the
 * minimum over the partitions not marked idle, and it is idle itself when all of them are. So
 * whatever one partition does must be safe for the others. Per partition:
 * <ul>
 *   <li><b>While records arrive</b>: the newest event time seen, minus
 *       {@code watermark.max-out-of-orderness}, minus 1 ms (as Flink's bounded out-of-orderness).
 *       In live mode an event stamped after the job's clock counts as stamped <em>now</em> (the clamp
 *       below).</li>
 *   <li><b>Quiet for {@code watermark.idleness}</b> (measured on Flink's input activity clock,
 *       which stands still while the source is back-pressured) after at least one record, in
 *       {@code event-time.mode=live}: <em>now</em> − out-of-orderness − 1 ms, advancing with every
 *       periodic emit. A caught-up partition whose producers stamp on time cannot hold anything
 *       earlier than that, by the promise out-of-orderness makes; so when every partition is
 *       quiet, event time moves with the wall clock and the last alerts before a lull leave
 *       without waiting for more traffic.</li>
 *   <li><b>Quiet, and never a record</b> (a partition nobody writes to; the source's main output,
 *       which Kafka never uses), or in {@code event-time.mode=replay}: marked idle after
 *       {@code watermark.idleness}, as Flink's {@code withIdleness}: it holds nothing back and
 *       moves nothing.</li>
 * </ul>
 *
 * <p>In {@code event-time.mode=replay} the job's clock plays no part: this is Flink's bounded
 * out-of-orderness with idleness, event time is what the (old) events say.
 *
 * <p><b>Live: never past the job's clock.</b> An event stamped in the future moves this partition's
 * watermark only as far as an event stamped now would. A producer whose clock runs fast therefore
 * cannot push the watermark beyond <em>now</em> − out-of-orderness − 1 ms, and events of correct
 * producers that arrive within out-of-orderness of their stamp are never behind it. We clamp rather
 * than dead-letter: the fast producer's events are real customer events and are processed with
 * their own stamps; only its own event-time alerts wait (until the clock reaches their stamps).
 * {@code validation.max-future-skew} still dead-letters stamps absurdly far ahead. Records with
 * timestamp {@link Long#MIN_VALUE} (dead letters) count as activity and move nothing.
 *
 * <p>So in live mode every watermark this emits is at most the job's clock − out-of-orderness − 1 ms,
 * whatever the records say (see {@code WallClockWatermarksTest}). A looser cap (stamps up to
 * <em>now</em> + out-of-orderness) would still let a fast clock hold the watermark at <em>now</em> − 1 ms,
 * and a correct producer's events would be late after a few milliseconds in transit.
 *
 * <p>The price of following the clock: a partition that delivers nothing for the idleness while it
 * still has records to deliver (a broker outage longer than that, a fetch that stalls mid-backlog)
 * is taken for caught up, and what it delivers afterwards, stamped before the clock moved on, is
 * behind the watermark (LATE_EVENT). Time spent back-pressured does not count towards the idleness.
 */
public final class WallClockWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrderness;
    /** Live mode: quiet partitions follow the clock, and no event moves event time past it. */
    private final boolean live;

    private final LongSupplier wallClock;
    private final WatermarksWithIdleness.IdlenessTimer idleness;

    /** Newest event time seen, each capped at the job's clock when it was seen. */
    private long maxTimestamp;

    private long emitted = Long.MIN_VALUE;
    private boolean seenRecord;
    private boolean markedIdle;

    /**
     * @param wallClock       the job's clock, epoch millis
     * @param activityClock   measures quiet time (Flink's input activity clock in the job)
     */
    public WallClockWatermarks(
            Duration maxOutOfOrderness,
            Duration idleness,
            boolean live,
            LongSupplier wallClock,
            RelativeClock activityClock) {
        this.outOfOrderness = maxOutOfOrderness.toMillis();
        this.live = live;
        this.wallClock = wallClock;
        this.idleness = new WatermarksWithIdleness.IdlenessTimer(activityClock, idleness);
        this.maxTimestamp = Long.MIN_VALUE + outOfOrderness + 1;
    }

    /** The job's watermark strategy (timestamps still to be assigned by the caller). */
    public static <T> WatermarkStrategy<T> strategy(CxConfig config) {
        Duration outOfOrderness = config.maxOutOfOrderness;
        Duration idleness = config.idleness;
        boolean live = config.eventTimeMode == CxConfig.EventTimeMode.LIVE;
        return WatermarkStrategy.forGenerator(context -> new WallClockWatermarks<>(
                outOfOrderness, idleness, live, System::currentTimeMillis, context.getInputActivityClock()));
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        idleness.activity();
        seenRecord = true;
        if (eventTimestamp != Long.MIN_VALUE) {
            maxTimestamp =
                    Math.max(maxTimestamp, live ? Math.min(eventTimestamp, wallClock.getAsLong()) : eventTimestamp);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (!idleness.checkIfIdle()) {
            emit(maxTimestamp - outOfOrderness - 1, output);
        } else if (live && seenRecord) {
            emit(Math.max(maxTimestamp, wallClock.getAsLong()) - outOfOrderness - 1, output);
        } else if (!markedIdle) {
            markedIdle = true;
            output.markIdle();
        }
    }

    private void emit(long watermark, WatermarkOutput output) {
        markedIdle = false;
        emitted = Math.max(emitted, watermark);
        output.emitWatermark(new Watermark(emitted));
    }
}
