package io.cxstream.loop;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.FeedbackAction;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;
import io.cxstream.config.CxConfig;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.Trigger;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outreach lifecycle in Flink's keyed broadcast harness, fed the way the job feeds it (decision, journey,
 * feedback topic; rules topic on the broadcast input).
 */
final class LifecycleHarness implements AutoCloseable {
    static final long T0 = 1_700_000_000_000L;
    static final long MIN = 60_000L;

    private final CxConfig config;
    private final boolean rocksDb;
    private KeyedBroadcastOperatorTestHarness<String, LoopInput, RuleRecord, OutreachEvent> harness;
    private long watermark = Long.MIN_VALUE;
    private long offset;

    /** {@code settings}: job settings on top of the defaults, e.g. outreach.cap.contact-center=2. */
    LifecycleHarness(String... settings) throws Exception {
        this(false, settings);
    }

    /** On RocksDB (the job's backend) when {@code rocksDb}, else on the heap. */
    LifecycleHarness(boolean rocksDb, String... settings) throws Exception {
        this(null, rocksDb, settings);
    }

    /** Restored from {@code snapshot} (of this operator or another with the same state), on the heap. */
    static LifecycleHarness restoredFrom(OperatorSubtaskState snapshot, String... settings) throws Exception {
        return new LifecycleHarness(snapshot, false, settings);
    }

    private LifecycleHarness(OperatorSubtaskState restoreFrom, boolean rocksDb, String... settings) throws Exception {
        this.rocksDb = rocksDb;
        Map<String, String> map = new HashMap<>();
        map.put("bootstrap-servers", "localhost:9092");
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        this.config = CxConfig.fromMap(map, Map.of());
        open(restoreFrom);
    }

    private void open(OperatorSubtaskState restoreFrom) throws Exception {
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new LifecycleOperator(new OutreachLifecycleFunction(config.loop, ruleBook(config))),
                in -> in.customerId,
                Types.STRING,
                1,
                1,
                0);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.setProcessingTime(T0);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE); // the rules input carries no event time (idle in the job)
    }

    /** The rule book the job gives the rule engine and the loop. */
    static RuleBook ruleBook(CxConfig config) {
        return new RuleBook(DefaultRules.load(config), DefaultRules.limits(config), config.cooldown);
    }

    static OutreachEvent outreach(String customer, String ruleId, String trigger, Priority priority, long time) {
        return OutreachEvent.newBuilder()
                .setOutreachId(customer + "-" + ruleId + "-" + time)
                .setCustomerId(customer)
                .setTrigger(
                        Arrays.stream(TriggerType.values())
                                        .anyMatch(t -> t.name().equals(trigger))
                                ? TriggerType.valueOf(trigger)
                                : TriggerType.UNKNOWN)
                .setTriggerName(trigger)
                .setRuleId(ruleId)
                .setRuleVersion(1)
                .setRoute("PROMOTER".equals(trigger) ? Route.MARKETING : Route.CONTACT_CENTER)
                .setPriority(priority)
                .setReason("reason")
                .setRecommendedAction("action")
                .setEvidence(List.of(new Evidence("e-" + time, Instant.ofEpochMilli(time), "x")))
                .setJourney(JourneySnapshot.newBuilder().build())
                .setLastEvidenceTime(Instant.ofEpochMilli(time))
                .setEmittedAt(Instant.ofEpochMilli(T0))
                .build();
    }

    LifecycleHarness send(OutreachEvent o) throws Exception {
        harness.processElement(
                new StreamRecord<>(LoopInput.of(o), o.getLastEvidenceTime().toEpochMilli()));
        return this;
    }

    /** A record of the rules topic on the broadcast input: the rule's JSON, or null (a tombstone), published at {@code time}. */
    LifecycleHarness rule(String id, String json, long time) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(new RuleRecord(id, json, time), time));
        return this;
    }

    LifecycleHarness event(JourneyEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(LoopInput.of(e), e.eventTime));
        return this;
    }

    LifecycleHarness feedback(String customer, String outreachId, FeedbackAction action, long time, String note)
            throws Exception {
        OutreachFeedback f = OutreachFeedback.newBuilder()
                .setOutreachId(outreachId)
                .setCustomerId(customer)
                .setAction(action)
                .setHandledBy("agent-7")
                .setOutcomeCode(action == FeedbackAction.CLOSE ? "CALLED_BACK" : null)
                .setNote(note)
                .setEventTime(Instant.ofEpochMilli(time))
                .build();
        harness.processElement(new StreamRecord<>(LoopInput.of(f, 0, offset++), time));
        return this;
    }

    LifecycleHarness erase(String customer, long time) throws Exception {
        harness.processElement(new StreamRecord<>(LoopInput.erasure(Trigger.erasureMarker(customer, time)), time));
        return this;
    }

    /** Moves the harness's processing time (the SLA timers' clock) to {@code T0 + millis}. */
    LifecycleHarness clock(long millis) throws Exception {
        harness.setProcessingTime(T0 + millis);
        return this;
    }

    LifecycleHarness watermark(long time) throws Exception {
        if (time > watermark) {
            watermark = time;
            harness.processWatermark(time);
        }
        return this;
    }

    List<OutreachEvent> sent() {
        return harness.extractOutputValues();
    }

    List<OutreachUpdate> updates() {
        return harness.getSideOutput(OutreachLifecycleFunction.UPDATES) == null
                ? List.of()
                : harness.getSideOutput(OutreachLifecycleFunction.UPDATES).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    /** The updates as "STATUS PRIORITY" or "STATUS/RECOVERY", in order. */
    List<String> statuses() {
        return updates().stream()
                .map(u -> u.getRecovery() != null
                        ? u.getStatus() + "/" + u.getRecovery()
                        : u.getStatus() + " " + u.getPriority())
                .collect(Collectors.toList());
    }

    List<DeadLetter> deadLetters() {
        return harness.getSideOutput(OutreachLifecycleFunction.DEAD_LETTERS) == null
                ? List.of()
                : harness.getSideOutput(OutreachLifecycleFunction.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    /** Event-time timers on the heap. */
    int eventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    /** Keyed state entries (heap backend only). */
    int stateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    /** Snapshot, close, restore into a fresh operator at the same processing time; earlier outputs are gone. */
    LifecycleHarness restart() throws Exception {
        long now = harness.getProcessingTime();
        OperatorSubtaskState snapshot = harness.snapshot(1, watermark);
        harness.close();
        open(snapshot);
        harness.setProcessingTime(now);
        return this;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
