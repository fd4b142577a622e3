package io.cxstream.generator;

import io.cxstream.avro.Channel;
import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;

import org.apache.avro.specific.SpecificRecordBase;

import java.time.Instant;
import java.util.Map;

/**
 * One planned event of a journey, everything but its id and time, which are given when it is sent.
 */
sealed interface JourneyStep {

    EventKind kind();

    /** The Avro record of this step, with the given id, customer and time. */
    SpecificRecordBase toRecord(String eventId, String customerId, Instant eventTime);

    /** A planned {@link InteractionEvent}. */
    record Interaction(
            Channel channel,
            String touchpoint,
            InteractionType type,
            String sessionId,
            String agentId,
            Map<String, String> attributes)
            implements JourneyStep {

        @Override
        public EventKind kind() {
            return EventKind.INTERACTION;
        }

        @Override
        public InteractionEvent toRecord(String eventId, String customerId, Instant eventTime) {
            InteractionEvent e = new InteractionEvent();
            e.setEventId(eventId);
            e.setCustomerId(customerId);
            e.setEventTime(eventTime);
            e.setChannel(channel);
            e.setTouchpoint(touchpoint);
            e.setType(type);
            e.setSessionId(sessionId);
            e.setAgentId(agentId);
            e.setAttributes(attributes);
            return e;
        }
    }

    /** A planned {@link FeedbackEvent}. */
    record Feedback(
            Channel channel,
            String touchpoint,
            FeedbackMetric metric,
            int score,
            String comment,
            String agentId,
            String surveyId)
            implements JourneyStep {

        @Override
        public EventKind kind() {
            return EventKind.FEEDBACK;
        }

        @Override
        public FeedbackEvent toRecord(String eventId, String customerId, Instant eventTime) {
            FeedbackEvent e = new FeedbackEvent();
            e.setEventId(eventId);
            e.setCustomerId(customerId);
            e.setEventTime(eventTime);
            e.setChannel(channel);
            e.setTouchpoint(touchpoint);
            e.setMetric(metric);
            e.setScore(score);
            e.setComment(comment);
            e.setAgentId(agentId);
            e.setSurveyId(surveyId);
            return e;
        }
    }

    /** A planned {@link ConsentEvent}. */
    record Consent(ConsentAction action, ConsentPurpose purpose, Channel channel) implements JourneyStep {

        @Override
        public EventKind kind() {
            return EventKind.CONSENT;
        }

        @Override
        public ConsentEvent toRecord(String eventId, String customerId, Instant eventTime) {
            ConsentEvent e = new ConsentEvent();
            e.setEventId(eventId);
            e.setCustomerId(customerId);
            e.setEventTime(eventTime);
            e.setAction(action);
            e.setPurpose(purpose);
            e.setChannel(channel);
            return e;
        }
    }
}
