package io.cxstream.rules;

import io.cxstream.avro.Evidence;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.Priority;
import io.cxstream.avro.RuleMark;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyStageModel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns a rule's match (the evidence, oldest first) into a {@link Trigger}. */
final class Findings {
    private Findings() {}

    /** What a rule remembers of an event; the snapshot only if asked (it is the largest part). */
    static RuleMark mark(JourneyEvent e, boolean withSnapshot) {
        // Every field set: the constructor, not the builder (which copies the defaults first).
        return new RuleMark(
                e.eventId,
                e.eventTime,
                e.interactionType != null ? e.interactionType.name() : null,
                e.metric != null ? e.metric.name() : null,
                e.score,
                e.touchpoint,
                e.channel != null ? e.channel.name() : null,
                e.agentId,
                withSnapshot ? e.snapshot : null);
    }

    /**
     * The trigger for a match. The journey snapshot, priority and templates are those of the mark
     * that carries a snapshot ({@code snapshotOf}): the last evidence, or an absence's start. The
     * priority expression sees the remembered event ({@link EventVariables#of(RuleMark)}).
     */
    static Trigger trigger(
            String customerId,
            CompiledRule compiled,
            List<RuleMark> evidence,
            RuleMark snapshotOf,
            long lastEvidenceTime,
            EventVariables vars) {
        return trigger(
                customerId, compiled, evidence, snapshotOf, lastEvidenceTime, compiled.priority(vars.of(snapshotOf)));
    }

    /** The trigger for a match whose priority is already known (a single event, seen whole). */
    static Trigger trigger(
            String customerId,
            CompiledRule compiled,
            List<RuleMark> evidence,
            RuleMark snapshotOf,
            long lastEvidenceTime,
            Priority priority) {
        Rule rule = compiled.rule;
        Trigger t = new Trigger();
        t.customerId = customerId;
        t.trigger = rule.trigger;
        t.ruleId = rule.id;
        t.ruleVersion = rule.version;
        t.route = rule.route;
        t.cooldownMillis = rule.cooldown.toMillis();
        t.snapshot = snapshotOf.getSnapshot();
        t.priority = rule.boostAtRisk ? boostForRisk(priority, t.snapshot) : priority;
        t.reason = Templates.render(rule.reason, compiled, evidence);
        t.recommendedAction = Templates.render(rule.action, compiled, evidence);
        List<Evidence> list = new ArrayList<>(evidence.size());
        for (RuleMark m : evidence) {
            list.add(new Evidence(m.getEventId(), Instant.ofEpochMilli(m.getEventTime()), kind(m)));
        }
        t.evidence = list;
        for (int i = evidence.size() - 1; i >= 0 && t.agentId == null; i--) {
            t.agentId = evidence.get(i).getAgentId();
        }
        t.lastEvidenceTime = lastEvidenceTime;
        return t;
    }

    /** Evidence kind: the interaction type, or metric=score. */
    static String kind(RuleMark m) {
        return m.getType() != null ? m.getType() : m.getMetric() + "=" + m.getScore();
    }

    /**
     * One step up for customers at high churn risk or in the LOYAL segment: losing them costs most.
     * P1 stays P1.
     */
    static Priority boostForRisk(Priority p, JourneySnapshot snapshot) {
        if (p == Priority.P1 || snapshot == null) {
            return p;
        }
        boolean atRisk =
                snapshot.getChurnRisk() >= JourneyStageModel.AT_RISK_CHURN || "LOYAL".equals(snapshot.getSegment());
        return atRisk ? Priority.values()[p.ordinal() - 1] : p;
    }

    /** A copy without the journey snapshot (the fields are shared: marks are never changed in place). */
    static RuleMark withoutSnapshot(RuleMark m) {
        return m.getSnapshot() == null
                ? m
                : new RuleMark(
                        m.getEventId(),
                        m.getEventTime(),
                        m.getType(),
                        m.getMetric(),
                        m.getScore(),
                        m.getTouchpoint(),
                        m.getChannel(),
                        m.getAgentId(),
                        null);
    }
}
