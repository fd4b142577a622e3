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

    public Trigger() {}

    @Override
    public String toString() {
        return "Trigger{" + type + ", customer=" + customerId + ", " + priority + ", t=" + lastEvidenceTime + ", " + reason + "}";
    }
}
