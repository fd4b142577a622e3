package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocTrendAlert;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.cxstream.voc.VocHarness.HOUR;
import static io.cxstream.voc.VocHarness.MIN;
import static io.cxstream.voc.VocHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Trend alerts in the harness: a real drop alerts once with its evidence; noise, small drops and thin samples do not. */
class TrendAlertTest {
    private static final long WEEK = 7 * 24 * HOUR;

    /** NPS answers for one touchpoint, one per {@code every} ms from {@code from} to {@code to}, promoter with probability pPromoter, else detractor with pDetractor. */
    private static void stream(
            VocHarness h,
            String touchpoint,
            String cause,
            long from,
            long to,
            long every,
            double pPromoter,
            double pDetractor,
            Random random)
            throws Exception {
        for (long t = from; t < to; t += every) {
            double u = random.nextDouble();
            int score = u < pPromoter ? 10 : u < pPromoter + pDetractor ? 2 : 8;
            h.send(new VocAnswer(VocDimension.TOUCHPOINT, touchpoint, FeedbackMetric.NPS, score, t, cause));
            if ((t - from) % (5 * MIN) < every) {
                h.watermark(t - 1);
            }
        }
    }

    @Test
    void aDropInTheLastHourAlertsOnceWithTheEvidence() throws Exception {
        Random random = new Random(7);
        try (VocHarness h = new VocHarness(VocHarness.config(30))) {
            stream(h, "delivery", "delivery", T0, T0 + WEEK + 2 * HOUR, MIN, 0.5, 0.2, random); // NPS ≈ 30
            h.take();
            assertThat(h.alerts()).as("no alert on the stationary week").isEmpty();

            long dropAt = T0 + WEEK + 2 * HOUR;
            stream(
                    h,
                    "delivery",
                    "delivery",
                    dropAt,
                    dropAt + 3 * HOUR,
                    30_000,
                    0.2,
                    0.5,
                    random); // NPS ≈ -30, twice the rate
            h.take();
            List<VocTrendAlert> alerts = h.alerts();
            assertThat(alerts).as("one alert, then the 6 h cooldown").hasSize(1);
            VocTrendAlert a = alerts.get(0);
            assertThat(a.getKind()).isEqualTo("SCORE_DROP");
            assertThat(a.getAudience()).isEqualTo("CX_TEAM");
            assertThat(a.getDimension()).isEqualTo("touchpoint");
            assertThat(a.getValue()).isEqualTo("delivery");
            assertThat(a.getDetectedAt().toEpochMilli()).isGreaterThan(dropAt).isLessThan(dropAt + HOUR);
            assertThat(a.getRecentEnd()).isEqualTo(a.getDetectedAt());
            assertThat(a.getRecentStart().toEpochMilli())
                    .isEqualTo(a.getDetectedAt().toEpochMilli() - HOUR);
            assertThat(a.getBaselineEnd().toEpochMilli())
                    .isLessThanOrEqualTo(a.getRecentStart().toEpochMilli());
            assertThat(a.getBaselineEnd().toEpochMilli() - a.getBaselineStart().toEpochMilli())
                    .isEqualTo(WEEK);
            assertThat(a.getRecentCount()).isGreaterThanOrEqualTo(30);
            assertThat(a.getBaselineCount()).isGreaterThan(9000);
            assertThat(a.getDrop())
                    .isEqualTo(a.getBaselineScore() - a.getRecentScore())
                    .isGreaterThanOrEqualTo(10.0);
            assertThat(a.getZ()).isGreaterThanOrEqualTo(3.5);
            assertThat(a.getRecentHigh()).isLessThan(a.getBaselineLow());
            assertThat(a.getTopTouchpoints()).containsExactly("delivery");
        }
    }

    @Test
    void aDropOnThinDataDoesNotAlert() throws Exception {
        Random random = new Random(8);
        try (VocHarness h = new VocHarness(VocHarness.config(30))) {
            stream(h, "lounge", "lounge", T0, T0 + WEEK + 2 * HOUR, 10 * MIN, 0.6, 0.1, random);
            long dropAt = T0 + WEEK + 2 * HOUR;
            stream(h, "lounge", "lounge", dropAt, dropAt + 3 * HOUR, 5 * MIN, 0.0, 1.0, random); // 12 answers an hour
            h.watermark(dropAt + 4 * HOUR);
            assertThat(h.alerts())
                    .as("below the minimum sample of the last hour")
                    .isEmpty();
        }
    }

    @Test
    void aDropSmallerThanTheMinimumEffectDoesNotAlertEvenWithHugeSamples() throws Exception {
        Random random = new Random(9);
        try (VocHarness h = new VocHarness(VocHarness.config(30))) {
            stream(h, "web", "web", T0, T0 + WEEK + 2 * HOUR, 20_000, 0.5, 0.2, random); // NPS ≈ 30
            long dropAt = T0 + WEEK + 2 * HOUR;
            stream(h, "web", "web", dropAt, dropAt + 3 * HOUR, 1_000, 0.47, 0.22, random); // NPS ≈ 25: 5 points
            h.watermark(dropAt + 4 * HOUR);
            assertThat(h.alerts()).isEmpty();
        }
    }
}
