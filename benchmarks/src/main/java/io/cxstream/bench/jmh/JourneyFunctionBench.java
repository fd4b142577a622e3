package io.cxstream.bench.jmh;

import io.cxstream.config.CxConfig;
import io.cxstream.io.CxEvent;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyFunction;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
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

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-customer operator: {@link JourneyFunction} (journey update plus the rules: the five shipped
 * ones, or {@code benchmarks/rules/fifty-rules.json}, the five plus 45 of every kind) in Flink's keyed
 * broadcast harness with the heap (hashmap) or the RocksDB state backend, over
 * {@code customers} keys, so every call reads, updates and writes one customer's Avro
 * {@code JourneyState} and evaluates the rules (with the five, orders and NPS answers reach the rule
 * state; with fifty, nearly every step of the journey matches a count, absence or sequence). Event
 * time only moves forward, and the watermark follows it 1,000 events behind, so waiting rule events
 * are applied as in the job. The harness collects output: it is cleared after every call.
 *
 * <p>Runs the function in Flink's own operator, not the job's {@code JourneyOperator}, so every change is
 * written to the backend at once (the job writes back once per customer per checkpoint): this measures
 * the per-event cost without that saving, which no benchmark without checkpoints could show honestly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JourneyFunctionBench {
    @Param({"hashmap", "rocksdb"})
    public String backend;

    @Param({"100000"})
    public int customers;

    /** {@code five}: the shipped defaults; {@code fifty}: the benchmark rule file (run from the repository root). */
    @Param({"five", "fifty"})
    public String rules;

    private KeyedBroadcastOperatorTestHarness<String, CxEvent, RuleRecord, JourneyEvent> harness;
    private CxEvent[] events;
    private long n;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap-servers", "localhost:9092");
        if (rules.equals("fifty")) {
            settings.put("rules.file", "benchmarks/rules/fifty-rules.json");
        }
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        JourneyFunction function = new JourneyFunction(
                config, new RuleBook(DefaultRules.load(config), DefaultRules.limits(config), config.cooldown));
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(RuleBook.RULES)),
                (CxEvent e) -> e.customerId,
                Types.STRING,
                1,
                1,
                0);
        StateBackend stateBackend =
                backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        harness.setStateBackend(stateBackend);
        harness.open();
        harness.getTwoInputOperator()
                .processWatermarkStatus2(WatermarkStatus.IDLE); // the rules input, as IdleWatermarks makes it
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
        CxEvent e = events[(int) (n % events.length)];
        long time = Fixtures.T0 + n;
        n++;
        e.eventTime = time;
        if (e.interaction != null) {
            e.interaction.setEventTime(Instant.ofEpochMilli(time));
        } else {
            e.feedback.setEventTime(Instant.ofEpochMilli(time));
        }
        harness.processElement(new StreamRecord<>(e, time));
        if (n % 1000 == 0) {
            harness.processWatermark(time - 1000);
        }
        int out = harness.getOutput().size();
        harness.getOutput().clear();
        return out;
    }
}
