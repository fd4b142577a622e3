package io.cxstream.avro;

import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The Voice-of-the-Customer outputs: both wire formats round-trip, and neither schema can carry personal data. */
class VocSchemasTest {
    private static final Instant END = Instant.ofEpochMilli(1_732_350_000_000L);

    static VocAggregate aggregate() {
        return VocAggregate.newBuilder()
                .setWindow("1h")
                .setWindowStart(END.minusSeconds(3600))
                .setWindowEnd(END)
                .setDimension("touchpoint")
                .setValue("delivery")
                .setMetric(FeedbackMetric.NPS)
                .setCount(40)
                .setPromoters(20)
                .setPassives(10)
                .setDetractors(10)
                .setDistribution(List.of(1L, 1L, 1L, 1L, 2L, 2L, 2L, 5L, 5L, 10L, 10L))
                .setSufficient(true)
                .setMinSample(30)
                .setMean(7.6)
                .setScore(25.0)
                .setScoreLow(2.5)
                .setScoreHigh(47.5)
                .setGoal(30.0)
                .setGoalGap(-5.0)
                .setGoalMissedDay(false)
                .build();
    }

    static VocTrendAlert alert() {
        return VocTrendAlert.newBuilder()
                .setAlertId("SCORE_DROP/touchpoint/delivery/NPS/" + END.toEpochMilli())
                .setKind("SCORE_DROP")
                .setDimension("touchpoint")
                .setValue("delivery")
                .setMetric(FeedbackMetric.NPS)
                .setDetectedAt(END)
                .setRecentStart(END.minusSeconds(3600))
                .setRecentEnd(END)
                .setRecentCount(60)
                .setRecentScore(-20.0)
                .setRecentLow(-40.0)
                .setRecentHigh(0.0)
                .setBaselineStart(END.minusSeconds(7 * 86400 + 7200))
                .setBaselineEnd(END.minusSeconds(7200))
                .setBaselineCount(5000)
                .setBaselineScore(30.0)
                .setBaselineLow(28.0)
                .setBaselineHigh(32.0)
                .setDrop(50.0)
                .setZ(4.8)
                .setTopTouchpoints(List.of("delivery"))
                .build();
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aggregateRoundTrips(WireFormat format) throws Exception {
        WireCodec<VocAggregate> codec = WireCodec.of(VocAggregate.class);
        VocAggregate a = aggregate();

        assertThat(codec.decode(codec.encode(a, format))).isEqualTo(a);
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void alertRoundTrips(WireFormat format) throws Exception {
        WireCodec<VocTrendAlert> codec = WireCodec.of(VocTrendAlert.class);
        VocTrendAlert a = alert();

        VocTrendAlert back = codec.decode(codec.encode(a, format));
        assertThat(back).isEqualTo(a);
        assertThat(back.getAudience()).as("default audience").isEqualTo("CX_TEAM");
    }

    @Test
    void insufficientAggregateHasNoNumbers() throws Exception {
        VocAggregate a = VocAggregate.newBuilder(aggregate())
                .setCount(3)
                .setSufficient(false)
                .setMean(null)
                .setScore(null)
                .setScoreLow(null)
                .setScoreHigh(null)
                .setGoalGap(null)
                .build();

        VocAggregate back = WireCodec.of(VocAggregate.class)
                .decode(WireCodec.of(VocAggregate.class).encode(a, WireFormat.JSON));
        assertThat(back.getScore()).isNull();
        assertThat(back.getSufficient()).isFalse();
    }

    /** An erasure need not touch the aggregates or alerts: no field can hold a customer id or comment text. */
    @Test
    void noFieldCanCarryPersonalData() {
        for (Schema schema : List.of(VocAggregate.getClassSchema(), VocTrendAlert.getClassSchema())) {
            assertThat(schema.getFields())
                    .extracting(f -> f.name().toLowerCase(Locale.ROOT))
                    .as(schema.getName())
                    .noneMatch(n -> n.contains("customer")
                            || n.contains("comment")
                            || n.contains("email")
                            || n.contains("name"));
        }
    }
}
