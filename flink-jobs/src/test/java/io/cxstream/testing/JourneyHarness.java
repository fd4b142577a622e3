package io.cxstream.testing;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.RuleState;
import io.cxstream.config.CxConfig;
import io.cxstream.io.CxEvent;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyFunction;
import io.cxstream.journey.JourneyOperator;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.RuleStatus;
import io.cxstream.rules.Trigger;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The journey operator (journey + rule engine) built as the job builds it, in Flink's keyed
 * broadcast harness: events in, rules on the broadcast input (idle, as in the job), triggers, journey
 * events and rule statuses out. Optionally on RocksDB, with
 * snapshot and restore.
 */
public final class JourneyHarness implements AutoCloseable {
    public static final long T0 = 1_700_000_000_000L;

    private final CxConfig config;
    private final JourneyFunction function;
    private KeyedBroadcastOperatorTestHarness<String, CxEvent, RuleRecord, JourneyEvent> harness;
    private final boolean rocksDb;
    /** Until the next restart, Flink's own operator as {@code process()} builds it (no write-back). */
    private boolean flinkOperator;
    /** Key groups, subtasks, and which subtask this is (1, 1, 0 unless built by {@link #subtask}). */
    private final int maxParallelism;

    private final int parallelism;
    private final int subtaskIndex;

    private long watermark = Long.MIN_VALUE;
    /** Output of the harness instances before the last {@link #restart()}. */
    private final List<StreamRecord<Trigger>> earlierTriggers = new ArrayList<>();

    private final List<RuleStatus> earlierStatuses = new ArrayList<>();
    private final List<JourneyEvent> earlierJourneyEvents = new ArrayList<>();

    /** The job's defaults, with these settings on top. */
    public JourneyHarness(Map<String, String> settings, boolean rocksDb) throws Exception {
        this(settings, rocksDb, false);
    }

    private JourneyHarness(Map<String, String> settings, boolean rocksDb, boolean flinkOperator) throws Exception {
        this(settings, rocksDb, flinkOperator, 1, 1, 0);
    }

    private JourneyHarness(
            Map<String, String> settings,
            boolean rocksDb,
            boolean flinkOperator,
            int maxParallelism,
            int parallelism,
            int subtaskIndex)
            throws Exception {
        this.flinkOperator = flinkOperator;
        this.maxParallelism = maxParallelism;
        this.parallelism = parallelism;
        this.subtaskIndex = subtaskIndex;
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent("bootstrap-servers", "localhost:9092");
        this.config = CxConfig.fromMap(all, Map.of());
        this.function = new JourneyFunction(
                config, new RuleBook(DefaultRules.load(config), DefaultRules.limits(config), config.cooldown));
        this.rocksDb = rocksDb;
        this.harness = create();
    }

    public JourneyHarness() throws Exception {
        this(Map.of(), false);
    }

    /**
     * On RocksDB, the function in Flink's keyed broadcast operator as {@code process()} builds it (as
     * versions before {@link JourneyOperator} ran it, writing every change at once) until {@link
     * #restart()}, which restores the snapshot into the job's {@link JourneyOperator}.
     */
    public static JourneyHarness builtByProcessUntilRestart(Map<String, String> settings) throws Exception {
        return new JourneyHarness(settings, true, true);
    }

    /**
     * Subtask {@code index} of {@code parallelism} over {@code maxParallelism} key groups (not opened:
     * {@link #restoreFrom} a snapshot of another parallelism first, or {@link #open()}).
     */
    public static JourneyHarness subtask(
            Map<String, String> settings, boolean rocksDb, int maxParallelism, int parallelism, int index)
            throws Exception {
        return new JourneyHarness(settings, rocksDb, false, maxParallelism, parallelism, index);
    }

    /** A snapshot of the operator now (checkpoint 1), for {@link #restoreFrom} at any parallelism. */
    public OperatorSubtaskState snapshot() throws Exception {
        return harness.snapshot(1L, watermark);
    }

    /**
     * Restores this (not yet opened) subtask from a snapshot taken at {@code oldParallelism}, as
     * Flink does when it rescales, then opens it.
     */
    public JourneyHarness restoreFrom(OperatorSubtaskState snapshot, int oldParallelism) throws Exception {
        harness.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                snapshot, maxParallelism, oldParallelism, parallelism, subtaskIndex));
        return open();
    }

    private KeyedBroadcastOperatorTestHarness<String, CxEvent, RuleRecord, JourneyEvent> create() throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(
                flinkOperator
                        ? new CoBroadcastWithKeyedOperator<>(function, List.of(RuleBook.RULES))
                        : new JourneyOperator(function),
                (CxEvent e) -> e.customerId,
                Types.STRING,
                maxParallelism,
                parallelism,
                subtaskIndex);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    public JourneyHarness open() throws Exception {
        harness.open();
        harness.getTwoInputOperator()
                .processWatermarkStatus2(WatermarkStatus.IDLE); // the rules input, as IdleWatermarks makes it
        return this;
    }

    public KeyedBroadcastOperatorTestHarness<String, CxEvent, RuleRecord, JourneyEvent> harness() {
        return harness;
    }

    public JourneyFunction function() {
        return function;
    }

    public JourneyHarness send(CxEvent e) throws Exception {
        harness.processElement(e, e.eventTime);
        return this;
    }

    public JourneyHarness interaction(String customer, long time, InteractionType type, String touchpoint)
            throws Exception {
        return send(CxEvent.of(Events.interaction(customer, time, type, touchpoint)));
    }

    public JourneyHarness feedback(String customer, long time, FeedbackMetric metric, int score) throws Exception {
        return send(CxEvent.of(Events.feedback(customer, time, metric, score)));
    }

    public JourneyHarness nps(String customer, long time, int score) throws Exception {
        return feedback(customer, time, FeedbackMetric.NPS, score);
    }

    public JourneyHarness consent(String customer, long time, ConsentAction action, ConsentPurpose purpose)
            throws Exception {
        return send(CxEvent.of(Events.consent(customer, time, action, purpose)));
    }

    /** Publishes a rule record (JSON, or null to delete) at the given Kafka timestamp. */
    public JourneyHarness rule(String id, String json, long publishedAt) throws Exception {
        harness.processBroadcastElement(new RuleRecord(id, json, publishedAt), publishedAt);
        return this;
    }

    /** The events input goes idle (every partition quiet), as the Kafka source signals it. */
    public JourneyHarness eventsIdle() throws Exception {
        harness.getTwoInputOperator().processWatermarkStatus1(WatermarkStatus.IDLE);
        return this;
    }

    /** Moves event time; it never goes back. */
    public JourneyHarness watermark(long time) throws Exception {
        if (time > watermark) {
            watermark = time;
            harness.getTwoInputOperator().processWatermarkStatus1(WatermarkStatus.ACTIVE);
            harness.getTwoInputOperator()
                    .processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(time));
        }
        return this;
    }

    /** The rules' findings so far (no consents or erasure markers). */
    public List<Trigger> triggers() {
        return triggerRecords().stream()
                .map(StreamRecord::getValue)
                .filter(Trigger::isFinding)
                .toList();
    }

    /** Everything on the triggers output, with record timestamps, in order. */
    public List<StreamRecord<Trigger>> triggerRecords() {
        List<StreamRecord<Trigger>> all = new ArrayList<>(earlierTriggers);
        if (harness.getSideOutput(JourneyFunction.TRIGGERS) != null) {
            all.addAll(harness.getSideOutput(JourneyFunction.TRIGGERS));
        }
        return all;
    }

    public List<RuleStatus> statuses() {
        List<RuleStatus> all = new ArrayList<>(earlierStatuses);
        var out = harness.getSideOutput(JourneyFunction.RULE_STATUS);
        if (out != null) {
            out.forEach(r -> all.add(r.getValue()));
        }
        return all;
    }

    public List<JourneyEvent> journeyEvents() {
        List<JourneyEvent> all = new ArrayList<>(earlierJourneyEvents);
        all.addAll(harness.extractOutputValues());
        return all;
    }

    /** Snapshots, closes and reopens the operator from the snapshot (a restore). */
    public JourneyHarness restart() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1L, watermark);
        List<StreamRecord<Trigger>> triggers = triggerRecords();
        earlierTriggers.clear();
        earlierTriggers.addAll(triggers);
        List<RuleStatus> statuses = statuses();
        earlierStatuses.clear();
        earlierStatuses.addAll(statuses);
        List<JourneyEvent> events = journeyEvents();
        earlierJourneyEvents.clear();
        earlierJourneyEvents.addAll(events);
        harness.close();
        flinkOperator = false;
        harness = create();
        harness.initializeState(snapshot);
        harness.open();
        harness.getTwoInputOperator()
                .processWatermarkStatus2(WatermarkStatus.IDLE); // the rules input, as IdleWatermarks makes it
        if (watermark != Long.MIN_VALUE) {
            harness.processWatermark(watermark);
        }
        return this;
    }

    /** Keyed state entries of all customers, as a checkpoint taken now would hold them (heap backend only). */
    public int keyedStateEntries() throws Exception {
        function.flush(harness.getProcessingTime()); // what a checkpoint would hold
        var backend = ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        return ((HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
    }

    /**
     * The customer's state in the journey operator (journey, rule progress, tombstone copy), or null: what
     * a checkpoint taken now would hold (values the cache holds back are written first, as before a snapshot).
     */
    public JourneyState state(String customer) throws Exception {
        function.flush(harness.getProcessingTime());
        return storedState(customer);
    }

    /** The customer's value in the state backend now, without writing what the cache holds back. */
    public JourneyState storedState(String customer) throws Exception {
        setCurrentKey(customer);
        return function()
                .getRuntimeContext()
                .getState(JourneyFunction.journeyDescriptor(Duration.ofDays(90)))
                .value();
    }

    /** The customer's rule progress (pending events, marks), or null when there is none. */
    public RuleState ruleState(String customer) throws Exception {
        JourneyState s = state(customer);
        return s == null ? null : s.getRules();
    }

    /** Points keyed state access (e.g. through {@link #function()}'s runtime context) at a customer. */
    public void setCurrentKey(String customer) {
        ((AbstractStreamOperator<?>) harness.getOperator()).setCurrentKey(customer);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
