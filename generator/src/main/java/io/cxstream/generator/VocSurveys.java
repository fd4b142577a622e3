package io.cxstream.generator;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Survey answers for the Voice-of-the-Customer part of the demo: a steady stream of NPS answers for a few
 * touchpoints, each with its own stable mix of promoters, passives and detractors, except
 * {@value #DEGRADING}, whose experience degrades at a given moment (far fewer promoters, far more
 * detractors). Used twice: for a week of history before the demo starts (the trend alerts' 7-day baseline)
 * and for the live answers. Deterministic given the seed. Answers carry no comment.
 */
public final class VocSurveys {
    /** The touchpoint whose experience degrades. */
    public static final String DEGRADING = "home-delivery";
    /** Touchpoints of their own (the synthetic customers' surveys use delivery, support and relationship). */
    static final String[] TOUCHPOINTS = {DEGRADING, "store-pickup", "billing", "returns"};
    /** Promoter and detractor shares of each touchpoint (same order). */
    private static final double[][] MIX = {{0.55, 0.15}, {0.45, 0.20}, {0.60, 0.10}, {0.40, 0.25}};
    /** Promoter and detractor shares of {@value #DEGRADING} once degraded (NPS about -35 instead of +40). */
    static final double[] DEGRADED = {0.20, 0.55};

    private static final Channel[] CHANNELS = {Channel.EMAIL, Channel.WEB, Channel.MOBILE_APP};
    private static final int AGENTS = 6;
    /** The survey panel: answers come from these synthetic customers ({@code voc-customer-<n>}). */
    static final int PANEL = 1_000;

    private final SplittableRandom random;
    private final Instant degradesAt;
    private long next;

    /** @param degradesAt when {@value #DEGRADING} degrades (answers from then on are worse) */
    public VocSurveys(long seed, Instant degradesAt) {
        this.random = new SplittableRandom(seed);
        this.degradesAt = degradesAt;
    }

    /**
     * Answers with event times from {@code from} (inclusive) to {@code to} (exclusive), {@code perHour} an hour
     * per touchpoint on average (uniform random times), oldest first.
     */
    public List<FeedbackEvent> between(Instant from, Instant to, double perHour) {
        return between(from, to, perHour, null);
    }

    /**
     * As {@link #between(Instant, Instant, double)}; with {@code batchEvery} (a whole number of hours), every
     * answer is stamped in the minute 30 minutes into its batch period (as a survey tool exporting in batches
     * would): the aggregation then emits one minute per batch instead of one per minute of history, and the
     * demo catches up on the week in seconds.
     */
    public List<FeedbackEvent> between(Instant from, Instant to, double perHour, Duration batchEvery) {
        List<FeedbackEvent> out = new ArrayList<>();
        double hours = Duration.between(from, to).toMillis() / 3_600_000.0;
        long span = Duration.between(from, to).toMillis();
        int n = (int) Math.round(hours * perHour * TOUCHPOINTS.length);
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            long t = from.toEpochMilli() + (span <= 0 ? 0 : random.nextLong(span));
            if (batchEvery != null) {
                long period = batchEvery.toMillis();
                long batched = Math.floorDiv(t, period) * period + 1_800_000L + Math.floorMod(t, 60_000L);
                t = batched >= from.toEpochMilli() && batched < to.toEpochMilli() ? batched : t;
            }
            times[i] = t;
        }
        java.util.Arrays.sort(times);
        for (long t : times) {
            out.add(answer(TOUCHPOINTS[random.nextInt(TOUCHPOINTS.length)], Instant.ofEpochMilli(t)));
        }
        return out;
    }

    static String customerId(int n) {
        return "voc-customer-" + n;
    }

    FeedbackEvent answer(String touchpoint, Instant at) {
        int i = 0;
        while (!TOUCHPOINTS[i].equals(touchpoint)) {
            i++;
        }
        double[] mix = touchpoint.equals(DEGRADING) && !at.isBefore(degradesAt) ? DEGRADED : MIX[i];
        double u = random.nextDouble();
        int score =
                u < mix[0] ? 9 + random.nextInt(2) : u < mix[0] + mix[1] ? random.nextInt(7) : 7 + random.nextInt(2);
        long id = next++;
        return FeedbackEvent.newBuilder()
                .setEventId("voc-" + at.toEpochMilli() + "-" + id)
                .setCustomerId(customerId(random.nextInt(PANEL)))
                .setEventTime(at)
                .setChannel(CHANNELS[random.nextInt(CHANNELS.length)])
                .setTouchpoint(touchpoint)
                .setMetric(FeedbackMetric.NPS)
                .setScore(score)
                .setComment(null)
                .setAgentId(touchpoint.equals("billing") ? "agent-" + random.nextInt(AGENTS) : null)
                .setSurveyId("nps-" + touchpoint)
                .build();
    }
}
