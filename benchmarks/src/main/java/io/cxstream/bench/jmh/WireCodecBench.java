package io.cxstream.bench.jmh;

import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Decoding (and encoding) input records with {@link WireCodec}: the first thing the job does with every
 * record (CxRecordDeserializer), and the per-record cost of the limit phase's plain consumer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WireCodecBench {
    private final WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
    private final WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);
    private InteractionEvent interaction;
    private byte[] interactionAvro;
    private byte[] interactionJson;
    private byte[] feedbackAvro;

    @Setup
    public void setUp() {
        interaction = Fixtures.interaction(42, Fixtures.T0, InteractionType.CART_ADD);
        interactionAvro = interactions.encode(interaction, WireFormat.AVRO);
        interactionJson = interactions.encode(interaction, WireFormat.JSON);
        feedbackAvro = feedback.encode(Fixtures.feedback(42, Fixtures.T0, 3), WireFormat.AVRO);
    }

    @Benchmark
    public InteractionEvent decodeInteractionAvro() throws WireFormatException {
        return interactions.decode(interactionAvro);
    }

    @Benchmark
    public InteractionEvent decodeInteractionJson() throws WireFormatException {
        return interactions.decode(interactionJson);
    }

    @Benchmark
    public FeedbackEvent decodeFeedbackAvro() throws WireFormatException {
        return feedback.decode(feedbackAvro);
    }

    @Benchmark
    public byte[] encodeInteractionAvro() {
        return interactions.encode(interaction, WireFormat.AVRO);
    }
}
