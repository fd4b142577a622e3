package io.cxstream.bench.jmh;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.detect.Trigger;
import io.cxstream.outreach.OutreachDecisionFunction;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outreach decision: {@link OutreachDecisionFunction} (consent check, cooldown state, deterministic
 * outreach id, building the OutreachEvent) in Flink's keyed two-input harness, heap or RocksDB backend.
 * Triggers cycle over {@code customers} customers; each round is one cooldown plus an hour later in event
 * time, so every trigger passes the cooldown and is emitted (the expensive path). DETRACTOR routes to the
 * contact center, allowed by the default service consent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OutreachDecisionBench {
    private static final Duration COOLDOWN = Duration.ofHours(24);

    @Param({"hashmap", "rocksdb"})
    public String backend;

    @Param({"100000"})
    public int customers;

    private KeyedTwoInputStreamOperatorTestHarness<String, Trigger, ConsentEvent, OutreachEvent> harness;
    private Trigger[] triggers;
    private long n;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new OutreachDecisionFunction(COOLDOWN, Duration.ofDays(90), true, false, List.of(TriggerType.DETRACTOR))),
                t -> t.customerId, ConsentEvent::getCustomerId, Types.STRING);
        StateBackend stateBackend = backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        harness.setStateBackend(stateBackend);
        harness.setProcessingTime(Fixtures.T0);
        harness.open();
        triggers = new Trigger[customers];
        for (int c = 0; c < customers; c++) {
            triggers[c] = Fixtures.trigger(c, TriggerType.DETRACTOR, Fixtures.T0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    @Benchmark
    public int decide() throws Exception {
        Trigger t = triggers[(int) (n % customers)];
        t.lastEvidenceTime = Fixtures.T0 + (n / customers) * (COOLDOWN.toMillis() + 3_600_000L);
        n++;
        harness.processElement1(new StreamRecord<>(t, t.lastEvidenceTime));
        int emitted = harness.getOutput().size();
        harness.getOutput().clear();
        return emitted;
    }
}
