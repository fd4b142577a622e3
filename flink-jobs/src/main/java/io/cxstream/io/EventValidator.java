package io.cxstream.io;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.config.CxConfig;

import java.io.Serializable;
import java.time.Instant;

/**
 * The input contract beyond what the schema enforces: a customer id, scores in range, event times
 * neither absurdly old nor in the future, bounded free-form fields. Stateless and cheap.
 */
public final class EventValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Longest accepted customer id / event id / touchpoint, in characters. */
    public static final int MAX_ID_LENGTH = 256;

    private final long maxFutureSkewMillis;
    private final long maxEventAgeMillis;
    private final int maxAttributes;

    public EventValidator(long maxFutureSkewMillis, long maxEventAgeMillis, int maxAttributes) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.maxEventAgeMillis = maxEventAgeMillis;
        this.maxAttributes = maxAttributes;
    }

    public static EventValidator of(CxConfig config) {
        return new EventValidator(config.maxFutureSkew.toMillis(), config.maxEventAge.toMillis(), config.maxAttributes);
    }

    public void validate(InteractionEvent e, long now) throws InvalidEventException {
        common(e.getCustomerId(), e.getEventId(), e.getEventTime(), now);
        text("touchpoint", e.getTouchpoint());
        if (e.getAttributes() != null && e.getAttributes().size() > maxAttributes) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD,
                    "attributes has " + e.getAttributes().size() + " entries, at most " + maxAttributes + " allowed");
        }
    }

    public void validate(FeedbackEvent e, long now) throws InvalidEventException {
        common(e.getCustomerId(), e.getEventId(), e.getEventTime(), now);
        text("touchpoint", e.getTouchpoint());
        FeedbackMetric metric = e.getMetric();
        int score = e.getScore();
        switch (metric) {
            case NPS:
                range(metric, score, 0, 10);
                break;
            case CSAT:
                range(metric, score, 1, 5);
                break;
            case CES:
                range(metric, score, 1, 7);
                break;
            default:
                throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, "unknown feedback metric");
        }
    }

    public void validate(ConsentEvent e, long now) throws InvalidEventException {
        common(e.getCustomerId(), e.getEventId(), e.getEventTime(), now);
        if (e.getAction() == ConsentAction.UNKNOWN) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, "unknown consent action");
        }
        if (e.getAction() != ConsentAction.ERASE && (e.getPurpose() == null || e.getPurpose() == ConsentPurpose.UNKNOWN)) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, "unknown consent purpose");
        }
    }

    private void common(String customerId, String eventId, Instant eventTime, long now) throws InvalidEventException {
        if (customerId == null || customerId.isBlank()) {
            throw new InvalidEventException(DeadLetterReason.MISSING_CUSTOMER_ID, "customerId is empty");
        }
        if (customerId.length() > MAX_ID_LENGTH) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, "customerId longer than " + MAX_ID_LENGTH);
        }
        text("eventId", eventId);
        long t = eventTime.toEpochMilli();
        if (t > now + maxFutureSkewMillis) {
            throw new InvalidEventException(DeadLetterReason.TIMESTAMP_IN_FUTURE,
                    "eventTime " + eventTime + " is more than " + maxFutureSkewMillis + " ms ahead of the job's clock");
        }
        if (t < now - maxEventAgeMillis) {
            throw new InvalidEventException(DeadLetterReason.TIMESTAMP_TOO_OLD,
                    "eventTime " + eventTime + " is more than " + maxEventAgeMillis + " ms old");
        }
    }

    private static void text(String field, String value) throws InvalidEventException {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, field + " is empty");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, field + " longer than " + MAX_ID_LENGTH);
        }
    }

    private static void range(FeedbackMetric metric, int score, int min, int max) throws InvalidEventException {
        if (score < min || score > max) {
            throw new InvalidEventException(DeadLetterReason.SCORE_OUT_OF_RANGE,
                    metric + " score " + score + " outside " + min + ".." + max);
        }
    }
}
