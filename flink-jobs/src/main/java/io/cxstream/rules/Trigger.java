package io.cxstream.rules;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;

import java.util.List;

/**
 * What the journey operator passes to the outreach decision, in the order it happened for the
 * customer: a rule's finding (before consent, cooldown and id), a consent change, or an erasure
 * marker. One channel, so an erasure is behind every finding built from earlier events. A Flink POJO.
 */
public class Trigger {
    public String customerId;
    /** The trigger name the rule emits (e.g. PAYMENT_FRICTION). */
    public String trigger;

    public String ruleId;
    public int ruleVersion;
    public Route route;
    public Priority priority;
    /** The rule's cooldown: the same trigger for the same customer is suppressed this long after an outreach. */
    public long cooldownMillis;

    public String reason;
    public String recommendedAction;
    /** The events that made the pattern, oldest first. */
    public List<Evidence> evidence;
    /** The journey as of the last evidence. */
    public JourneySnapshot snapshot;

    public String agentId;
    /** Event time of the last evidence, or of the deadline for absence patterns (epoch millis). */
    public long lastEvidenceTime;
    /** An erasure marker, not a finding: the customer asked to be forgotten (only customerId and lastEvidenceTime set). */
    public boolean erasure;
    /** A consent change passed on to the decision (nothing else set but customerId). */
    public ConsentEvent consent;

    public Trigger() {}

    /** The marker sent once the journey and the rules have forgotten {@code customerId}. */
    public static Trigger erasureMarker(String customerId, long time) {
        Trigger t = new Trigger();
        t.customerId = customerId;
        t.lastEvidenceTime = time;
        t.erasure = true;
        return t;
    }

    /** A consent change on its way to the decision. */
    public static Trigger consentChange(ConsentEvent consent) {
        Trigger t = new Trigger();
        t.customerId = consent.getCustomerId();
        t.lastEvidenceTime = consent.getEventTime().toEpochMilli();
        t.consent = consent;
        return t;
    }

    /** A finding of a rule (not a consent change or an erasure marker). */
    public boolean isFinding() {
        return !erasure && consent == null;
    }

    @Override
    public String toString() {
        if (erasure) {
            return "Trigger{ERASURE, customer=" + customerId + "}";
        }
        if (consent != null) {
            return "Trigger{CONSENT " + consent.getAction() + " " + consent.getPurpose() + ", customer=" + customerId
                    + "}";
        }
        return "Trigger{" + trigger + " (" + ruleId + " v" + ruleVersion + "), customer=" + customerId + ", " + priority
                + ", t=" + lastEvidenceTime + ", " + reason + "}";
    }
}
