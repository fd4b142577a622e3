package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DecisionState;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.Events;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The outreach decision in Flink's keyed harness, fed the way the journey operator feeds it: on the
 * heap backend, or on RocksDB with a write-back cache of a few customers (the job's setting there).
 */
final class DecisionHarness implements AutoCloseable {
    static final long T0 = 1_700_000_000_000L;
    static final Duration COOLDOWN = Duration.ofHours(24);

    private KeyedOneInputStreamOperatorTestHarness<String, Trigger, OutreachEvent> harness;
    private final Duration grace;
    private final boolean rocksDb;
    private final int cacheSize;
    private final List<Map.Entry<String, Metric>> metrics = new ArrayList<>();
    private long watermark = Long.MIN_VALUE;

    DecisionHarness() throws Exception {
        this(Duration.ZERO);
    }

    /** @param grace consent.grace: findings are decided on the consent as of their evidence plus this */
    DecisionHarness(Duration grace) throws Exception {
        this(grace, false, 0, null);
    }

    /** On RocksDB, with the heap cache holding back up to {@code cacheSize} customers' values (0: none). */
    static DecisionHarness onRocksDb(Duration grace, int cacheSize) throws Exception {
        return new DecisionHarness(grace, true, cacheSize, null);
    }

    private DecisionHarness(Duration grace, boolean rocksDb, int cacheSize, OperatorSubtaskState restoreFrom)
            throws Exception {
        this.grace = grace;
        this.rocksDb = rocksDb;
        this.cacheSize = cacheSize;
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new OutreachDecisionOperator(
                        new OutreachDecisionFunction(Duration.ofDays(31), Duration.ofDays(90), true, false, grace)
                                .withCache(cacheSize)),
                t -> t.customerId,
                Types.STRING,
                environment());
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.setProcessingTime(T0 + 5_000);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    /** An environment whose metric registry keeps every metric the operator registers, with its group's variables. */
    private MockEnvironment environment() {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer(
                        (metric, name, group) -> metrics.add(Map.entry(name + group.getAllVariables(), metric)))
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(
                        registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "cx-stream")
                .addTask(ExecutionAttemptID.randomId(), "outreach-decision");
        return new MockEnvironmentBuilder().setMetricGroup(task).build();
    }

    /** The sum of the counters of that name whose groups carry every given label (label, value, label, value...). */
    long counter(String name, String... labels) {
        long sum = 0;
        for (Map.Entry<String, Metric> m : metrics) {
            boolean match = m.getKey().startsWith(name + "{");
            for (int i = 0; i < labels.length; i += 2) {
                match &= m.getKey().contains("<" + labels[i] + ">=" + labels[i + 1] + ",")
                        || m.getKey().contains("<" + labels[i] + ">=" + labels[i + 1] + "}");
            }
            if (match && m.getValue() instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    static Trigger finding(String customer, String trigger, Route route, long time, String... eventIds) {
        Trigger t = new Trigger();
        t.customerId = customer;
        t.trigger = trigger;
        t.ruleId = trigger.toLowerCase();
        t.ruleVersion = 1;
        t.route = route;
        t.cooldownMillis = COOLDOWN.toMillis();
        t.priority = Priority.P2;
        t.reason = "reason";
        t.recommendedAction = "action";
        t.evidence = new ArrayList<>();
        for (String id : eventIds) {
            t.evidence.add(new Evidence(id, Instant.ofEpochMilli(time), "NPS=3"));
        }
        t.snapshot = JourneySnapshot.newBuilder().build();
        t.lastEvidenceTime = time;
        return t;
    }

    static Trigger finding(String customer, String trigger, long time, String... eventIds) {
        return finding(
                customer, trigger, "PROMOTER".equals(trigger) ? Route.MARKETING : Route.CONTACT_CENTER, time, eventIds);
    }

    /** Passes a trigger at its event time, without moving the watermark. */
    DecisionHarness arrive(Trigger t) throws Exception {
        harness.processElement(new StreamRecord<>(t, t.lastEvidenceTime));
        return this;
    }

    /** Passes a trigger and moves the watermark to its evidence, as the job's watermark follows it. */
    DecisionHarness send(Trigger t) throws Exception {
        arrive(t);
        return watermark(t.lastEvidenceTime);
    }

    DecisionHarness consent(String customer, long time, ConsentAction action, ConsentPurpose purpose) throws Exception {
        return arrive(Trigger.consentChange(Events.consent(customer, time, action, purpose)));
    }

    /** A consent change of any purpose, arriving now (at its event time as record timestamp). */
    DecisionHarness consent(io.cxstream.avro.ConsentEvent consent) throws Exception {
        return arrive(Trigger.consentChange(consent));
    }

    DecisionHarness erase(String customer, long time) throws Exception {
        return arrive(Trigger.erasureMarker(customer, time));
    }

    /** The processing time state TTL sees (the wall clock of a job that was stopped, restored or is catching up). */
    DecisionHarness wallClock(long time) {
        harness.setStateTtlProcessingTime(time);
        return this;
    }

    DecisionHarness watermark(long time) throws Exception {
        if (time > watermark) {
            watermark = time;
            harness.processWatermark(time);
        }
        return this;
    }

    List<OutreachEvent> out() {
        return harness.extractOutputValues();
    }

    List<StreamRecord<? extends OutreachEvent>> records() {
        List<StreamRecord<? extends OutreachEvent>> list = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord) {
                @SuppressWarnings("unchecked")
                StreamRecord<? extends OutreachEvent> r = (StreamRecord<? extends OutreachEvent>) o;
                list.add(r);
            }
        }
        return list;
    }

    /** Writes the consent flags state of versions before consent-history for a customer, as a restored savepoint holds it. */
    DecisionHarness legacyConsentFlags(String customer, int flags) throws Exception {
        context(customer).getState(ConsentHistory.legacyDescriptor()).update(flags);
        return this;
    }

    /** The function's state access with {@code customer} as the current key. */
    RuntimeContext context(String customer) {
        OutreachDecisionOperator operator = (OutreachDecisionOperator) harness.getOperator();
        operator.setCurrentKey(customer);
        return operator.getUserFunction().getRuntimeContext();
    }

    /** Clears a customer's stored consent statements past the operator, as no job does: shows what it reads from where. */
    DecisionHarness clearStoredConsent(String customer) throws Exception {
        context(customer).getState(ConsentHistory.descriptor()).clear();
        return this;
    }

    boolean readsLegacyState() {
        return ((OutreachDecisionFunction) ((OutreachDecisionOperator) harness.getOperator()).getUserFunction())
                .readsLegacyState();
    }

    /** The customer's decision value in the state backend now (what the cache holds back not included). */
    DecisionState stored(String customer) throws Exception {
        return context(customer)
                .getState(OutreachDecisionFunction.decisionDescriptor(Duration.ofDays(31), Duration.ofDays(90)))
                .value();
    }

    /** Registers an event-time timer for the customer, as an earlier version did when it held a finding. */
    DecisionHarness legacyTimer(String customer, long time) throws Exception {
        OutreachDecisionOperator operator = (OutreachDecisionOperator) harness.getOperator();
        operator.setCurrentKey(customer);
        harness.getOperator()
                .getInternalTimerService(
                        "user-timers", org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE, operator)
                .registerEventTimeTimer(org.apache.flink.runtime.state.VoidNamespace.INSTANCE, time);
        return this;
    }

    int stateEntries() {
        return harness.numKeyedStateEntries();
    }

    /** Snapshot, close, restore into a fresh operator. */
    DecisionHarness restart() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1, watermark);
        harness.close();
        DecisionHarness restored = new DecisionHarness(grace, rocksDb, cacheSize, snapshot);
        restored.watermark = Long.MIN_VALUE;
        return restored;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
