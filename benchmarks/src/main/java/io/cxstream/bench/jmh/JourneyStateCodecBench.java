package io.cxstream.bench.jmh;

import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.avro.RuleState;
import io.cxstream.state.AvroStateTypes;

import org.apache.avro.specific.SpecificData;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The journey's value through the serializer its state uses (Flink's {@code AvroSerializer}), as the
 * write-back writes it and a RocksDB read reads it: with Avro's generated coders ({@link AvroStateTypes}, the
 * job's setting) and with Avro's schema walk (the default before). {@code journey}: a journey without rule
 * progress (most customers under the five default rules); {@code marks}: one with ten rules' marks and an
 * absence start carrying its snapshot (a customer under many rules with memory).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JourneyStateCodecBench {
    @Param({"generated", "schema-walk"})
    public String coders;

    @Param({"journey", "marks"})
    public String value;

    private TypeSerializer<JourneyState> serializer;
    private JourneyState state;
    private byte[] bytes;
    private final DataOutputSerializer out = new DataOutputSerializer(1024);
    private final DataInputDeserializer in = new DataInputDeserializer();

    @Setup
    public void setUp() throws IOException {
        serializer = AvroStateTypes.of(JourneyState.class).createSerializer(new SerializerConfigImpl());
        SpecificData.getForClass(JourneyState.class).setCustomCoders(coders.equals("generated"));
        state = value.equals("marks") ? withMarks() : journey();
        out.clear();
        serializer.serialize(state, out);
        bytes = out.getCopyOfBuffer();
    }

    @Benchmark
    public int serialize() throws IOException {
        out.clear();
        serializer.serialize(state, out);
        return out.length();
    }

    @Benchmark
    public JourneyState deserialize() throws IOException {
        in.setBuffer(bytes);
        return serializer.deserialize(in);
    }

    private static JourneyState journey() {
        return JourneyState.newBuilder()
                .setStage(JourneyStage.PURCHASE)
                .setOrders(1)
                .setFriction(10)
                .setFrictionUpdatedAt(Fixtures.T0)
                .setLastNps(8)
                .setRecentTouchpoints(new ArrayList<>(List.of("WEB:home", "WEB:search", "WEB:checkout")))
                .setServiceConsent(true)
                .setLastEventTime(Fixtures.T0 + 60_000)
                .setLastOrderAt(Fixtures.T0 + 60_000)
                .setLastOrderId("o-42")
                .setLayout(2)
                .build();
    }

    private static JourneyState withMarks() {
        List<RuleProgress> progress = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            List<RuleMark> marks = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                long t = Fixtures.T0 + 1_000L * (r + m);
                marks.add(new RuleMark("i-42-" + t, t, "PAGE_VIEW", null, 0, "home", "WEB", null, null));
            }
            progress.add(new RuleProgress("bench-" + (16 + r), 1, marks));
        }
        JourneySnapshot snapshot = new JourneySnapshot(
                JourneyStage.CONSIDERATION, "NEW", 20, null, null, null, new ArrayList<>(List.of("WEB:home")));
        List<RuleMark> start = new ArrayList<>(List.of(
                new RuleMark("i-42-start", Fixtures.T0, "CHECKOUT_START", null, 0, "checkout", "WEB", null, snapshot)));
        progress.add(new RuleProgress("bench-31", 1, start));
        JourneyState s = journey();
        s.setRules(new RuleState(new ArrayList<>(), progress));
        return s;
    }
}
