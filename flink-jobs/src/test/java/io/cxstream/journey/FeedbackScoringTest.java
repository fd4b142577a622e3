package io.cxstream.journey;

import io.cxstream.avro.FeedbackMetric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedbackScoringTest {

    @ParameterizedTest
    @CsvSource({"0,DETRACTOR", "6,DETRACTOR", "7,PASSIVE", "8,PASSIVE", "9,PROMOTER", "10,PROMOTER"})
    void npsBuckets(int score, NpsCategory expected) {
        assertThat(FeedbackScoring.npsCategory(score)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "NPS,0,0",
        "NPS,7,70",
        "NPS,10,100",
        "CSAT,1,0",
        "CSAT,3,50",
        "CSAT,5,100",
        "CES,1,0",
        "CES,4,50",
        "CES,7,100",
        "CES,2,17"
    })
    void normalisesToZeroToHundred(FeedbackMetric metric, int score, int expected) {
        assertThat(FeedbackScoring.normalized(metric, score)).isEqualTo(expected);
    }

    @Test
    void refusesOutOfRangeScores() {
        assertThatThrownBy(() -> FeedbackScoring.npsCategory(11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeedbackScoring.normalized(FeedbackMetric.CSAT, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeedbackScoring.normalized(FeedbackMetric.CES, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
