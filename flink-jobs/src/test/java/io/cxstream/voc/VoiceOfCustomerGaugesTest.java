package io.cxstream.voc;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.journey.FeedbackScoring;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.testing.Events;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VoiceOfCustomerGaugesTest {
    private final List<String> registered = new ArrayList<>();
    private final List<DoubleSupplier> gauges = new ArrayList<>();

    private VoiceOfCustomerBoard board(int maxTouchpoints, int window) {
        return new VoiceOfCustomerBoard(maxTouchpoints, window, (name, channel, touchpoint, value) -> {
            registered.add(name + "{channel=" + channel + ",touchpoint=" + touchpoint + "}");
            gauges.add(value);
        });
    }

    static JourneyEvent answer(FeedbackMetric metric, int score, Channel channel, String touchpoint) {
        JourneyEvent e = Events.journeyNps("c", 1L, 0);
        e.metric = metric;
        e.score = score;
        e.normalizedScore = FeedbackScoring.normalized(metric, score);
        e.npsCategory = metric == FeedbackMetric.NPS ? FeedbackScoring.npsCategory(score) : null;
        e.channel = channel;
        e.touchpoint = touchpoint;
        return e;
    }

    private static double value(VoiceOfCustomerBoard board, FeedbackMetric metric, String channel, String touchpoint) {
        return board.value(metric, channel, touchpoint).orElseThrow(() ->
                new AssertionError("no series " + metric + "{channel=" + channel + ",touchpoint=" + touchpoint + "}"));
    }

    @Test
    void npsIsPromotersMinusDetractorsPerTouchpointChannelAndOverall() {
        VoiceOfCustomerBoard board = board(50, 1000);
        board.record(answer(FeedbackMetric.NPS, 10, Channel.EMAIL, "delivery"));
        board.record(answer(FeedbackMetric.NPS, 3, Channel.EMAIL, "delivery"));
        board.record(answer(FeedbackMetric.NPS, 0, Channel.EMAIL, "delivery"));
        board.record(answer(FeedbackMetric.NPS, 9, Channel.WEB, "checkout"));
        board.record(answer(FeedbackMetric.NPS, 8, Channel.WEB, "checkout"));

        assertThat(value(board, FeedbackMetric.NPS, "all", "delivery")).isCloseTo(-100.0 / 3, within(1e-9));
        assertThat(value(board, FeedbackMetric.NPS, "EMAIL", "all")).isCloseTo(-100.0 / 3, within(1e-9));
        assertThat(value(board, FeedbackMetric.NPS, "all", "checkout")).isEqualTo(50.0);
        assertThat(value(board, FeedbackMetric.NPS, "WEB", "all")).isEqualTo(50.0);
        assertThat(value(board, FeedbackMetric.NPS, "all", "all")).isEqualTo(0.0);
        assertThat(board.value(FeedbackMetric.CSAT, "all", "all")).as("no CSAT answer, no CSAT series").isEmpty();
        assertThat(registered).containsExactly(
                "cx_nps{channel=all,touchpoint=all}", "cx_nps{channel=EMAIL,touchpoint=all}", "cx_nps{channel=all,touchpoint=delivery}",
                "cx_nps{channel=WEB,touchpoint=all}", "cx_nps{channel=all,touchpoint=checkout}");
        assertThat(gauges.get(0).getAsDouble()).as("the registered gauge reads the live value").isEqualTo(0.0);
    }

    @Test
    void csatAndCesAverageTheNormalisedScores() {
        VoiceOfCustomerBoard board = board(50, 1000);
        board.record(answer(FeedbackMetric.CSAT, 5, Channel.MOBILE_APP, "delivery"));
        board.record(answer(FeedbackMetric.CSAT, 2, Channel.MOBILE_APP, "delivery"));
        board.record(answer(FeedbackMetric.CES, 7, Channel.MOBILE_APP, "returns"));
        board.record(answer(FeedbackMetric.CES, 1, Channel.MOBILE_APP, "returns"));
        board.record(answer(FeedbackMetric.CES, 4, Channel.MOBILE_APP, "returns"));

        assertThat(value(board, FeedbackMetric.CSAT, "all", "delivery")).isEqualTo(62.5);
        assertThat(value(board, FeedbackMetric.CES, "MOBILE_APP", "all")).isEqualTo(50.0);
        assertThat(board.value(FeedbackMetric.NPS, "all", "all")).isEmpty();
    }

    @Test
    void theWindowSlidesOverTheLastAnswers() {
        VoiceOfCustomerBoard board = board(50, 3);
        for (int score : new int[] {0, 0, 0, 10, 10}) {
            board.record(answer(FeedbackMetric.NPS, score, Channel.WEB, "home"));
        }
        assertThat(value(board, FeedbackMetric.NPS, "all", "all")).as("last three answers: 0, 10, 10")
                .isCloseTo(100.0 / 3, within(1e-9));
        board.record(answer(FeedbackMetric.NPS, 9, Channel.WEB, "home"));
        assertThat(value(board, FeedbackMetric.NPS, "all", "all")).isEqualTo(100.0);
    }

    @Test
    void touchpointsBeyondTheLimitAreFoldedIntoOther() {
        VoiceOfCustomerBoard board = board(2, 1000);
        for (int i = 0; i < 100; i++) {
            board.record(answer(FeedbackMetric.CSAT, 5, Channel.WEB, "tp-" + i));
        }
        board.record(answer(FeedbackMetric.CSAT, 1, Channel.WEB, "tp-0"));
        board.record(answer(FeedbackMetric.CSAT, 1, Channel.WEB, null));
        board.record(answer(FeedbackMetric.CSAT, 1, Channel.WEB, "all"));

        assertThat(value(board, FeedbackMetric.CSAT, "all", "tp-0")).as("a known touchpoint keeps its label").isEqualTo(50.0);
        assertThat(value(board, FeedbackMetric.CSAT, "all", "tp-1")).isEqualTo(100.0);
        assertThat(board.value(FeedbackMetric.CSAT, "all", "tp-2")).isEmpty();
        assertThat(value(board, FeedbackMetric.CSAT, "all", "other")).as("98 × 100 and 2 × 0").isEqualTo(98.0);
        assertThat(board.seriesCount()).as("overall + WEB + tp-0 + tp-1 + other").isEqualTo(5);
    }

    @Test
    void theOperatorIgnoresInteractionsAndEmitsNothing() throws Exception {
        try (OneInputStreamOperatorTestHarness<JourneyEvent, Void> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(new VoiceOfCustomerGauges(50, 1000))) {
            harness.processElement(Events.journeyInteraction("c", 1L, InteractionType.PAGE_VIEW, "home"), 1L);
            harness.processElement(Events.journeyNps("c", 2L, 2), 2L);
            harness.processElement(answer(FeedbackMetric.CES, 3, Channel.CALL_CENTER, "support"), 3L);
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }
}
