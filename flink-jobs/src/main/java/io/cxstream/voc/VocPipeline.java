package io.cxstream.voc;

import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The Voice-of-the-Customer branch of the job, from the journey's events to aggregates and alerts:
 * <pre>
 * journey ─feedback─▶ voc-split (one answer per dimension) ─keyBy dimension─▶ voc-cardinality
 *        ─keyBy METRIC/dimension/value─▶ voc-aggregate ─▶ aggregates (cx.voc), side output: alerts (cx.voc.alerts)
 * </pre>
 * Every stateful step has a uid. No step holds a customer id or comment, so an erasure has nothing to
 * remove here.
 */
public final class VocPipeline {
    private VocPipeline() {}

    /** The two outputs. */
    public record Streams(DataStream<VocAggregate> aggregates, DataStream<VocTrendAlert> alerts) {}

    /** @param cacheKeys VoC series each aggregation instance keeps on the heap ({@link VocStore}; 0: none) */
    public static Streams apply(DataStream<JourneyEvent> journeys, VocConfig config, int cacheKeys) {
        SingleOutputStreamOperator<VocAggregate> aggregates = journeys.filter(e -> e.metric != null)
                .name("voc-input")
                .flatMap(new VocAnswerSplitter())
                .returns(TypeInformation.of(VocAnswer.class))
                .uid("voc-split")
                .name("voc-split")
                .keyBy(a -> a.dimension.label(), Types.STRING)
                .process(new VocCardinalityGuard(config.maxValues))
                .returns(TypeInformation.of(VocAnswer.class))
                .uid("voc-cardinality")
                .name("voc-cardinality")
                .keyBy(VocAnswer::aggregationKey, Types.STRING)
                .transform(
                        "voc-aggregate",
                        TypeInformation.of(VocAggregate.class),
                        new VocAggregateOperator(new VocAggregateFunction(config).withCache(cacheKeys)))
                .uid("voc-aggregate");
        return new Streams(aggregates, aggregates.getSideOutput(VocAggregateFunction.ALERTS));
    }
}
