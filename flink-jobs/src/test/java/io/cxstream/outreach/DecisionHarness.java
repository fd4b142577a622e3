package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.Events;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The outreach decision in Flink's keyed harness, fed the way the journey operator feeds it. */
final class DecisionHarness implements AutoCloseable {
    static final long T0 = 1_700_000_000_000L;
    static final Duration COOLDOWN = Duration.ofHours(24);

    private KeyedOneInputStreamOperatorTestHarness<String, Trigger, OutreachEvent> harness;
    private long watermark = Long.MIN_VALUE;

    DecisionHarness() throws Exception {
        this(null);
    }

    private DecisionHarness(OperatorSubtaskState restoreFrom) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new OutreachDecisionFunction(Duration.ofDays(31), Duration.ofDays(90), true, false)),
                t -> t.customerId, Types.STRING);
        harness.setProcessingTime(T0 + 5_000);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
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
        return finding(customer, trigger, "PROMOTER".equals(trigger) ? Route.MARKETING : Route.CONTACT_CENTER, time, eventIds);
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

    int stateEntries() {
        return harness.numKeyedStateEntries();
    }

    /** Snapshot, close, restore into a fresh operator. */
    DecisionHarness restart() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1, watermark);
        harness.close();
        DecisionHarness restored = new DecisionHarness(snapshot);
        restored.watermark = Long.MIN_VALUE;
        return restored;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
