package io.cxstream.voc;

import io.cxstream.avro.FeedbackMetric;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.cxstream.voc.VocHarness.HOUR;
import static io.cxstream.voc.VocHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The cardinality bound: the first values keep their name, later ones count as "other", and a value unseen for a week frees its place. */
class VocCardinalityGuardTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, VocAnswer, VocAnswer> harness(int max)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, VocAnswer, VocAnswer> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new VocCardinalityGuard(max)),
                        a -> a.dimension.label(),
                        Types.STRING);
        h.open();
        return h;
    }

    private static List<String> send(
            KeyedOneInputStreamOperatorTestHarness<String, VocAnswer, VocAnswer> h,
            VocDimension d,
            long t,
            String... values)
            throws Exception {
        for (String v : values) {
            h.processElement(new StreamRecord<>(new VocAnswer(d, v, FeedbackMetric.NPS, 5, t, "x"), t));
        }
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add(((VocAnswer) r.getValue()).value);
            }
        }
        h.getOutput().clear();
        return out;
    }

    @Test
    void valuesBeyondTheBoundAreFoldedIntoOtherPerDimension() throws Exception {
        try (var h = harness(2)) {
            assertThat(send(h, VocDimension.AGENT, T0, "a-1", "a-2", "a-3", "a-1", "a-4", "a-2"))
                    .containsExactly("a-1", "a-2", "other", "a-1", "other", "a-2");
            assertThat(send(h, VocDimension.TOUCHPOINT, T0, "delivery", "support", "web"))
                    .as("each dimension has its own bound")
                    .containsExactly("delivery", "support", "other");
            assertThat(send(h, VocDimension.OVERALL, T0, "all", "all", "all")).containsExactly("all", "all", "all");
        }
    }

    @Test
    void aValueUnseenForAWeekFreesItsPlace() throws Exception {
        try (var h = harness(1)) {
            assertThat(send(h, VocDimension.AGENT, T0, "a-1", "a-2")).containsExactly("a-1", "other");
            h.processWatermark(new Watermark(T0 + 3 * 24 * HOUR));
            assertThat(send(h, VocDimension.AGENT, T0 + 3 * 24 * HOUR, "a-2"))
                    .as("a-1 was seen 3 days ago")
                    .containsExactly("other");
            h.processWatermark(new Watermark(T0 + 9 * 24 * HOUR));
            assertThat(send(h, VocDimension.AGENT, T0 + 9 * 24 * HOUR, "a-2", "a-1"))
                    .containsExactly("a-2", "other");
        }
    }
}
