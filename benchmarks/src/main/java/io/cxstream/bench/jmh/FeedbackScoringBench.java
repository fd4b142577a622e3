package io.cxstream.bench.jmh;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.journey.FeedbackScoring;
import io.cxstream.journey.NpsCategory;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** Feedback scoring: the NPS bucket ({@link NpsCategory}) and the 0-100 normalisation of every answer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FeedbackScoringBench {
    private static final FeedbackMetric[] METRICS = FeedbackMetric.values();
    private int i;

    @Benchmark
    public NpsCategory npsCategory() {
        return FeedbackScoring.npsCategory(i++ % 11);
    }

    @Benchmark
    public void normalizedEveryMetric(Blackhole bh) {
        int score = 1 + i++ % 5;
        for (FeedbackMetric m : METRICS) {
            if (m == FeedbackMetric.NPS || m == FeedbackMetric.CSAT || m == FeedbackMetric.CES) {
                bh.consume(FeedbackScoring.normalized(m, score));
            }
        }
    }
}
