package io.cxstream.detect;

import io.cxstream.avro.Evidence;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.Priority;
import io.cxstream.avro.TriggerType;

import java.util.List;

/**
 * A detector's finding, before the outreach decision (consent, cooldown, routing, id). A Flink POJO.
 */
public class Trigger {
    public String customerId;
    public TriggerType type;
    public Priority priority;
    public String reason;
    public String recommendedAction;
    /** The events that made the pattern, oldest first. */
    public List<Evidence> evidence;
    /** The journey as of the last evidence. */
    public JourneySnapshot snapshot;
    public String agentId;
    /** Event time of the last evidence, or of the deadline for absence patterns (epoch millis). */
    public long lastEvidenceTime;
    /**
     * An erasure marker, not a finding: the detector of {@link #type} has forgotten the customer, so
     * every trigger it built from earlier events is ahead of this marker on the way to the outreach
     * decision. Only {@link #customerId}, {@link #type} and {@link #lastEvidenceTime} (the erasure
     * request's time) are set.
     */
    public boolean erasure;

    public Trigger() {}

    /** The marker a detector of {@code type} sends on after it forgot {@code customerId}. */
    public static Trigger erasureMarker(String customerId, TriggerType type, long time) {
        Trigger t = new Trigger();
        t.customerId = customerId;
        t.type = type;
        t.lastEvidenceTime = time;
        t.erasure = true;
        return t;
    }

    @Override
    public String toString() {
        if (erasure) {
            return "Trigger{ERASURE, " + type + ", customer=" + customerId + "}";
        }
        return "Trigger{" + type + ", customer=" + customerId + ", " + priority + ", t=" + lastEvidenceTime + ", " + reason + "}";
    }
}
