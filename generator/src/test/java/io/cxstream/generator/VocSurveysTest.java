package io.cxstream.generator;

import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's survey answers: oldest first, valid, no comment, and one touchpoint that degrades at the given moment. */
class VocSurveysTest {
    private static final Instant START = Instant.parse("2026-11-30T00:00:00Z");

    private static double nps(List<FeedbackEvent> answers, String touchpoint) {
        List<FeedbackEvent> at = answers.stream()
                .filter(e -> e.getTouchpoint().equals(touchpoint))
                .toList();
        long promoters = at.stream().filter(e -> e.getScore() >= 9).count();
        long detractors = at.stream().filter(e -> e.getScore() <= 6).count();
        return 100.0 * (promoters - detractors) / at.size();
    }

    @Test
    void historyIsOrderedValidAndCommentFree() {
        List<FeedbackEvent> week =
                new VocSurveys(1, START.plus(Duration.ofDays(1))).between(START.minus(Duration.ofDays(7)), START, 40);
        assertThat(week).hasSizeBetween(4 * 40 * 168 - 10, 4 * 40 * 168 + 10);
        for (int i = 1; i < week.size(); i++) {
            assertThat(week.get(i).getEventTime())
                    .isAfterOrEqualTo(week.get(i - 1).getEventTime());
        }
        assertThat(week).allSatisfy(e -> {
            assertThat(e.getMetric()).isEqualTo(FeedbackMetric.NPS);
            assertThat(e.getScore()).isBetween(0, 10);
            assertThat(e.getComment()).isNull();
            assertThat(e.getEventTime()).isBefore(START).isAfterOrEqualTo(START.minus(Duration.ofDays(7)));
        });
    }

    @Test
    void batchesFallInTheMinuteHalfAnHourIntoTheirPeriod() {
        List<FeedbackEvent> week =
                new VocSurveys(3, START).between(START.minus(Duration.ofDays(7)), START, 10, Duration.ofHours(6));
        assertThat(week)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getEventTime().toEpochMilli() % 21_600_000L / 60_000L)
                        .isEqualTo(30));
        for (int i = 1; i < week.size(); i++) {
            assertThat(week.get(i).getEventTime())
                    .isAfterOrEqualTo(week.get(i - 1).getEventTime());
        }
    }

    @Test
    void theDegradingTouchpointDropsAtItsMomentAndTheOthersDoNot() {
        Instant degrades = START.plus(Duration.ofHours(1));
        VocSurveys surveys = new VocSurveys(2, degrades);
        List<FeedbackEvent> before = surveys.between(START, degrades, 4000);
        List<FeedbackEvent> after = surveys.between(degrades, degrades.plus(Duration.ofHours(1)), 4000);

        assertThat(nps(before, VocSurveys.DEGRADING)).isBetween(33.0, 47.0);
        assertThat(nps(after, VocSurveys.DEGRADING)).isBetween(-42.0, -28.0);
        assertThat(Math.abs(nps(after, "billing") - nps(before, "billing"))).isLessThan(6.0);
    }
}
