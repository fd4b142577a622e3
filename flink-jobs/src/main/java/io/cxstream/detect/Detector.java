package io.cxstream.detect;

import io.cxstream.avro.Evidence;
import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyStageModel;

import org.apache.flink.cep.pattern.Pattern;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CEP detector: the events it needs ({@link #accepts}), its pattern (always with
 * {@code within}), and how a match becomes a {@link Trigger}. The job feeds each detector's CEP
 * operator only the events it accepts.
 */
public abstract class Detector implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Which trigger this detector produces; also its operator's uid suffix. */
    public abstract TriggerType type();

    /** Whether the pattern needs this event at all (a pre-filter in front of CEP). */
    public abstract boolean accepts(JourneyEvent event);

    /**
     * The pre-filter in front of this detector's operator: the events the pattern needs, plus
     * erasure markers, which the operator turns into "forget this customer" and passes on as
     * {@link #erasureMarker}.
     */
    public final boolean feeds(JourneyEvent event) {
        return event.erasure || accepts(event);
    }

    /**
     * What this detector's operator emits once it has forgotten a customer (on an erasure marker
     * from the journey): tells the outreach decision that no trigger built from the customer's
     * earlier events can follow from this detector.
     */
    public final Trigger erasureMarker(JourneyEvent marker) {
        return Trigger.erasureMarker(marker.customerId, type(), marker.eventTime);
    }

    /** The CEP pattern; every pattern has a window. */
    public abstract Pattern<JourneyEvent, JourneyEvent> pattern();

    /** The window of {@link #pattern()}. */
    public abstract Duration window();

    /** Turns a match (pattern name → events, oldest first) into a trigger. */
    public abstract Trigger toTrigger(Map<String, List<JourneyEvent>> match);

    /**
     * Whether one event is a whole match (no sequence, no absence, nothing to wait for). Such a
     * detector runs as a stateless map on the journey stream ({@link SingleEventFunction}): no CEP
     * operator, no state, and no wait for the watermark, so its alert leaves as soon as the event is
     * scored. Its {@link #pattern()} states the same condition, for the pattern tests.
     */
    public boolean singleEvent() {
        return false;
    }

    /** The trigger for one event of a {@link #singleEvent()} detector that {@link #accepts} it. */
    public Trigger toTrigger(JourneyEvent event) {
        throw new UnsupportedOperationException(type() + " needs a sequence of events");
    }

    /** Uid of this detector's CEP operator: stable across releases, so savepoints keep partial matches. */
    public String uid() {
        return "detect-" + type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    // ---- helpers for subclasses ----------------------------------------------------------------

    /** A trigger skeleton from the events of a match, oldest first. */
    protected Trigger trigger(List<JourneyEvent> events, Priority priority, String reason, String action) {
        JourneyEvent last = events.get(events.size() - 1);
        Trigger t = new Trigger();
        t.customerId = last.customerId;
        t.type = type();
        t.priority = boostForRisk(priority, last);
        t.reason = reason;
        t.recommendedAction = action;
        t.evidence = evidence(events);
        t.snapshot = last.snapshot;
        t.lastEvidenceTime = last.eventTime;
        for (int i = events.size() - 1; i >= 0 && t.agentId == null; i--) {
            t.agentId = events.get(i).agentId;
        }
        return t;
    }

    protected static List<Evidence> evidence(List<JourneyEvent> events) {
        List<Evidence> list = new ArrayList<>(events.size());
        for (JourneyEvent e : events) {
            list.add(new Evidence(e.eventId, Instant.ofEpochMilli(e.eventTime), e.kind()));
        }
        return list;
    }

    /**
     * Contact-center priorities go one step up for customers at high churn risk or in the LOYAL
     * segment: losing them costs most.
     */
    protected static Priority boostForRisk(Priority p, JourneyEvent last) {
        if (p == Priority.P1 || last.snapshot == null) {
            return p;
        }
        boolean atRisk = last.snapshot.getChurnRisk() >= JourneyStageModel.AT_RISK_CHURN
                || "LOYAL".equals(last.snapshot.getSegment());
        return atRisk ? Priority.values()[p.ordinal() - 1] : p;
    }

    protected static String minutes(long millis) {
        long seconds = Math.max(0, millis / 1000);
        return seconds < 120 ? seconds + " s" : (seconds / 60) + " min";
    }
}
