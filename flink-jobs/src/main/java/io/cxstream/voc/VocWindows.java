package io.cxstream.voc;

import java.time.Duration;

/**
 * The windows of the aggregates, all derived from minute and hour buckets of event time (UTC-aligned):
 * <ul>
 *   <li>{@value #MINUTE_LABEL}: the tumbling minute {@code [t-1min, t)}, one minute bucket;
 *   <li>{@value #HOUR_LABEL}: the last 60 minutes {@code [t-1h, t)}, 60 minute buckets;
 *   <li>{@value #DAY_LABEL}: the current hour so far (minute buckets) and the 23 hour buckets before;
 *   <li>{@value #WEEK_LABEL}: the current hour so far and the 167 hour buckets before;
 *   <li>the trend baseline: the 168 hour buckets that end where the hour of the 1h window's start begins,
 *       so baseline and recent window share no answer.
 * </ul>
 * Hour buckets are the sums of their minute buckets (each answer is added to both); raw events are never
 * kept or re-read.
 */
public final class VocWindows {
    private VocWindows() {}

    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    static final Duration WEEK = Duration.ofDays(7);
    static final long WEEK_MILLIS = WEEK.toMillis();
    static final long DAY_HOURS = 24;
    static final long WEEK_HOURS = 168;

    public static final String MINUTE_LABEL = "1m";
    static final String HOUR_LABEL = "1h";
    static final String DAY_LABEL = "24h";
    static final String WEEK_LABEL = "7d";

    static long floorMinute(long t) {
        return Math.floorDiv(t, MINUTE) * MINUTE;
    }

    static long floorHour(long t) {
        return Math.floorDiv(t, HOUR) * HOUR;
    }

    /** The hour whose minutes end at {@code end} (the hour of the minute {@code [end-1min, end)}). */
    static long currentHour(long end) {
        return floorHour(end - 1);
    }

    /** Start of the 24h window ending at {@code end}. */
    static long dayStart(long end) {
        return currentHour(end) - (DAY_HOURS - 1) * HOUR;
    }

    /** Start of the 7d window ending at {@code end}. */
    static long weekStart(long end) {
        return currentHour(end) - (WEEK_HOURS - 1) * HOUR;
    }

    /** End (exclusive) of the trend baseline for the 1h window ending at {@code end}. */
    static long baselineEnd(long end) {
        return floorHour(end - HOUR);
    }

    static long baselineStart(long end) {
        return baselineEnd(end) - WEEK_MILLIS;
    }

    /** Minute buckets older than this are no longer needed at {@code t} (nor accepted: see the late-answer rule). */
    static long minuteCutoff(long t) {
        return t - HOUR;
    }

    /** Hour buckets older than this are no longer needed at {@code t}. */
    static long hourCutoff(long t) {
        return baselineStart(t);
    }
}
