package io.cxstream.bench.jmh;

import io.cxstream.io.CxEvent;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyFunction;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
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
 * The journey update: {@link JourneyFunction} in Flink's keyed operator harness with the heap
 * (hashmap) or the RocksDB state backend, over {@code customers} keys, so every call reads, updates and
 * writes one customer's Avro {@code JourneyState} (RocksDB: serialised on every access). The harness
 * collects output: it is cleared after every call, which costs little next to the state access.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JourneyFunctionBench {
    @Param({"hashmap", "rocksdb"})
    public String backend;

    @Param({"100000"})
    public int customers;

    private KeyedOneInputStreamOperatorTestHarness<String, CxEvent, JourneyEvent> harness;
    private CxEvent[] events;
    private int i;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new JourneyFunction(Duration.ofDays(90), 10, Duration.ofMinutes(15), "cx.interactions", "cx.feedback")),
                e -> e.customerId, Types.STRING);
        StateBackend stateBackend = backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        harness.setStateBackend(stateBackend);
        harness.open();
        events = Fixtures.journeyEvents(customers, customers * 6);
        // every customer has a journey before measuring: the steady state, not the first write
        for (int k = 0; k < customers; k++) {
            process();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    @Benchmark
    public int process() throws Exception {
        CxEvent e = events[i];
        i = i + 1 == events.length ? 0 : i + 1;
        harness.processElement(new StreamRecord<>(e, e.eventTime));
        int n = harness.getOutput().size();
        harness.getOutput().clear();
        return n;
    }
}
