package io.cxstream.bench.jmh;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.outreach.OutreachDecisionFunction;
import io.cxstream.outreach.OutreachDecisionOperator;
import io.cxstream.rules.Trigger;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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
import java.util.concurrent.TimeUnit;

/**
 * The outreach decision: {@link OutreachDecisionFunction} (consent check, cooldown state, deterministic
 * outreach id, building the OutreachEvent) in Flink's keyed harness, heap or RocksDB backend.
 * Triggers cycle over {@code customers} customers; each round is one cooldown plus an hour later in event
 * time, so every trigger passes the cooldown and is emitted (the expensive path). DETRACTOR routes to the
 * contact center, allowed by the default service consent. The watermark is moved to each round's time
 * before its triggers arrive, as it is when the rule engine emits a finding from its timer: every call
 * decides and emits (an earlier version never moved the watermark and measured only the parking of
 * triggers in the waiting state). {@link #tearDown} fails the run if a call emitted nothing.
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

    private KeyedOneInputStreamOperatorTestHarness<String, Trigger, OutreachEvent> harness;
    private Trigger[] triggers;
    private long n;
    private long emitted;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new OutreachDecisionOperator(
                        new OutreachDecisionFunction(Duration.ofDays(31), Duration.ofDays(90), true, false)
                                .withCache(backend.equals("rocksdb") ? 100_000 : 0)), // as the job: outreach.cache-size
                t -> t.customerId,
                Types.STRING);
        StateBackend stateBackend =
                backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        harness.setStateBackend(stateBackend);
        harness.setProcessingTime(Fixtures.T0);
        harness.open();
        triggers = new Trigger[customers];
        for (int c = 0; c < customers; c++) {
            triggers[c] = Fixtures.trigger(c, Fixtures.T0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
        if (emitted < n) {
            throw new IllegalStateException("only " + emitted + " of " + n + " triggers were decided and emitted");
        }
    }

    @Benchmark
    public int decide() throws Exception {
        Trigger t = triggers[(int) (n % customers)];
        long roundTime = Fixtures.T0 + (n / customers) * (COOLDOWN.toMillis() + 3_600_000L);
        if (n % customers == 0) {
            harness.processWatermark(roundTime);
            harness.getOutput().clear();
        }
        t.lastEvidenceTime = roundTime;
        n++;
        harness.processElement(new StreamRecord<>(t, t.lastEvidenceTime));
        int out = harness.getOutput().size();
        emitted += out;
        harness.getOutput().clear();
        return out;
    }
}
