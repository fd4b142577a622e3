package io.cxstream.journey;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;

/**
 * An interaction or scored feedback as the rules see it: flat fields for cheap pattern
 * conditions, plus the customer's journey snapshot right after the event. Free-text comments are
 * deliberately not carried (personal data, never needed by a rule). A Flink POJO.
 */
public class JourneyEvent {
    public String customerId;
    public String eventId;
    /** Event time, epoch millis. */
    public long eventTime;
    /** Set for interactions, null for feedback. */
    public InteractionType interactionType;
    /** Set for feedback, null for interactions. */
    public FeedbackMetric metric;
    /** Raw survey score (feedback only). */
    public int score;
    /** Score on the common 0-100 scale (feedback only). */
    public int normalizedScore;
    /** NPS bucket (NPS feedback only). */
    public NpsCategory npsCategory;

    public Channel channel;
    public String touchpoint;
    public String agentId;
    /** Survey the answer belongs to (feedback only). */
    public String surveyId;

    public JourneySnapshot snapshot;

    public JourneyEvent() {}

    public boolean isInteraction(InteractionType type) {
        return interactionType == type;
    }

    public boolean isNps() {
        return metric == FeedbackMetric.NPS;
    }

    /** Short description for evidence: the interaction type, or metric=score. */
    public String kind() {
        return interactionType != null ? interactionType.name() : metric + "=" + score;
    }

    @Override
    public String toString() {
        return "JourneyEvent{" + kind() + ", customer=" + customerId + ", id=" + eventId + ", t=" + eventTime
                + ", touchpoint=" + touchpoint + "}";
    }
}
