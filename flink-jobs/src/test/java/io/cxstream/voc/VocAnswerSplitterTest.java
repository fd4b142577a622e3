package io.cxstream.voc;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** One answer per dimension with a value; bad or odd input is skipped or folded, never a failure. */
class VocAnswerSplitterTest {

    private static List<VocAnswer> split(JourneyEvent... events) throws Exception {
        try (OneInputStreamOperatorTestHarness<JourneyEvent, VocAnswer> h =
                new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new VocAnswerSplitter()))) {
            h.open();
            for (JourneyEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.eventTime));
            }
            List<VocAnswer> out = new ArrayList<>();
            h.extractOutputValues().forEach(out::add);
            return out;
        }
    }

    static JourneyEvent feedback(FeedbackMetric metric, int score) {
        JourneyEvent e = new JourneyEvent();
        e.customerId = "c-1";
        e.eventId = "e-1";
        e.eventTime = 1_000L;
        e.metric = metric;
        e.score = score;
        e.channel = Channel.EMAIL;
        e.touchpoint = "delivery";
        e.agentId = "a-17";
        e.surveyId = "nps-relationship";
        e.snapshot = JourneySnapshot.newBuilder().setSegment("LOYAL").build();
        return e;
    }

    @Test
    void oneAnswerPerDimension() throws Exception {
        List<VocAnswer> out = split(feedback(FeedbackMetric.NPS, 9));
        assertThat(out)
                .extracting(a -> a.dimension.label() + "=" + a.value)
                .containsExactly(
                        "overall=all",
                        "touchpoint=delivery",
                        "channel=EMAIL",
                        "agent=a-17",
                        "segment=LOYAL",
                        "survey=nps-relationship",
                        "touchpoint_channel=delivery|EMAIL");
        assertThat(out).allSatisfy(a -> {
            assertThat(a.score).isEqualTo(9);
            assertThat(a.eventTime).isEqualTo(1_000L);
            assertThat(a.touchpoint).isEqualTo("delivery");
        });
    }

    @Test
    void missingValuesAreSkippedAndReservedOrHugeOnesFolded() throws Exception {
        JourneyEvent e = feedback(FeedbackMetric.CSAT, 4);
        e.agentId = null;
        e.surveyId = " ";
        e.snapshot = null;
        e.touchpoint = "x".repeat(500);
        e.channel = null;
        List<VocAnswer> out = split(e);
        assertThat(out)
                .extracting(a -> a.dimension.label() + "=" + a.value)
                .containsExactly("overall=all", "touchpoint=other");

        e = feedback(FeedbackMetric.CSAT, 4);
        e.touchpoint = "all";
        assertThat(split(e))
                .filteredOn(a -> a.dimension == VocDimension.TOUCHPOINT)
                .extracting(a -> a.value)
                .containsExactly("other");
    }

    /** Property: random, partly nonsensical events never throw, and only in-range scores of known metrics come out. */
    @Test
    void badInputNeverFails() throws Exception {
        Random random = new Random(3);
        List<JourneyEvent> events = new ArrayList<>();
        FeedbackMetric[] metrics = {
            null, FeedbackMetric.UNKNOWN, FeedbackMetric.NPS, FeedbackMetric.CSAT, FeedbackMetric.CES
        };
        for (int i = 0; i < 2000; i++) {
            JourneyEvent e = feedback(metrics[random.nextInt(metrics.length)], random.nextInt(30) - 10);
            if (random.nextInt(5) == 0) {
                e.metric = null;
                e.interactionType = InteractionType.PAGE_VIEW;
            }
            if (random.nextInt(7) == 0) {
                e.customerId = null;
                e.touchpoint = null;
                e.channel = null;
            }
            events.add(e);
        }
        List<VocAnswer> out = split(events.toArray(new JourneyEvent[0]));
        assertThat(out).isNotEmpty().allSatisfy(a -> {
            ScoreScale scale = ScoreScale.of(a.metric);
            assertThat(scale).isNotNull();
            assertThat(scale.accepts(a.score)).isTrue();
        });
    }
}
