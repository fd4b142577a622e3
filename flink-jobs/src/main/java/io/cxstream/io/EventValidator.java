package io.cxstream.io;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.config.CxConfig;
import io.cxstream.config.CxOptions;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

/**
 * The input contract beyond what the schema enforces: a customer id, scores in range, event times
 * neither absurdly old nor in the future, bounded free-form fields. Stateless and cheap.
 *
 * <p>Bounds, in characters (UTF-16 code units, as {@link String#length()}), so that no field of a
 * hostile record can grow state, CEP buffers, outreach records or metrics beyond a documented size:
 * <ul>
 *   <li>customerId, eventId, touchpoint (required, not blank), sessionId, agentId, surveyId: at most
 *       {@link #MAX_ID_LENGTH}, else INVALID_FIELD;</li>
 *   <li>interaction attributes: at most {@code validation.max-attributes} entries, each key and value at
 *       most {@code validation.max-attribute-length}, else INVALID_FIELD;</li>
 *   <li>feedback comment: <em>cut</em> to {@code validation.max-comment-length} rather than rejected,
 *       because the score is what the job uses and a long comment is no reason to lose it. The job
 *       never keeps the comment in state (the journey drops it), never logs it and never forwards it;</li>
 *   <li>the whole record: at most {@code validation.max-record-bytes}, checked by
 *       {@link CxRecordDeserializer} before decoding (TOO_LARGE).</li>
 * </ul>
 */
public final class EventValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Longest accepted customer id / event id / touchpoint, in characters. */
    public static final int MAX_ID_LENGTH = 256;

    private final long maxFutureSkewMillis;
    private final long maxEventAgeMillis;
    private final int maxAttributes;
    private final int maxAttributeLength;
    private final int maxCommentLength;

    /** Default attribute and comment bounds (those of {@code CxOptions}). */
    public EventValidator(long maxFutureSkewMillis, long maxEventAgeMillis, int maxAttributes) {
        this(
                maxFutureSkewMillis,
                maxEventAgeMillis,
                maxAttributes,
                CxOptions.MAX_ATTRIBUTE_LENGTH.defaultValue(),
                CxOptions.MAX_COMMENT_LENGTH.defaultValue());
    }

    public EventValidator(
            long maxFutureSkewMillis,
            long maxEventAgeMillis,
            int maxAttributes,
            int maxAttributeLength,
            int maxCommentLength) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.maxEventAgeMillis = maxEventAgeMillis;
        this.maxAttributes = maxAttributes;
        this.maxAttributeLength = maxAttributeLength;
        this.maxCommentLength = maxCommentLength;
    }

    /** {@code maxEventAgeMillis} that turns the age check off. */
    public static final long NO_AGE_LIMIT = Long.MAX_VALUE;

    /**
     * The validator the configuration asks for. With {@code event-time.mode=replay} the inputs are old
     * on purpose: {@code validation.max-event-age} (measured against the job's clock) is not applied.
     */
    public static EventValidator of(CxConfig config) {
        long maxAge =
                config.eventTimeMode == CxConfig.EventTimeMode.REPLAY ? NO_AGE_LIMIT : config.maxEventAge.toMillis();
        return new EventValidator(
                config.maxFutureSkew.toMillis(),
                maxAge,
                config.maxAttributes,
                config.maxAttributeLength,
                config.maxCommentLength);
    }

    public void validate(InteractionEvent e, long now) throws InvalidEventException {
        common(e.getCustomerId(), e.getEventId(), e.getEventTime(), now);
        text("touchpoint", e.getTouchpoint());
        optional("sessionId", e.getSessionId());
        optional("agentId", e.getAgentId());
        Map<String, String> attributes = e.getAttributes();
        if (attributes != null) {
            if (attributes.size() > maxAttributes) {
                throw new InvalidEventException(
                        DeadLetterReason.INVALID_FIELD,
                        "attributes has " + attributes.size() + " entries, at most " + maxAttributes + " allowed");
            }
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                // The message names no key: keys and values are free-form input.
                if (a.getKey().length() > maxAttributeLength) {
                    throw new InvalidEventException(
                            DeadLetterReason.INVALID_FIELD,
                            "an attribute key is longer than " + maxAttributeLength
                                    + " (validation.max-attribute-length)");
                }
                if (a.getValue() != null && a.getValue().length() > maxAttributeLength) {
                    throw new InvalidEventException(
                            DeadLetterReason.INVALID_FIELD,
                            "an attribute value is longer than " + maxAttributeLength
                                    + " (validation.max-attribute-length)");
                }
            }
        }
    }

    /** Validates, and cuts an over-long comment to {@code validation.max-comment-length} (in place). */
    public void validate(FeedbackEvent e, long now) throws InvalidEventException {
        common(e.getCustomerId(), e.getEventId(), e.getEventTime(), now);
        text("touchpoint", e.getTouchpoint());
        optional("agentId", e.getAgentId());
        optional("surveyId", e.getSurveyId());
        e.setComment(cut(e.getComment(), maxCommentLength));
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
        if (e.getAction() != ConsentAction.ERASE
                && (e.getPurpose() == null || e.getPurpose() == ConsentPurpose.UNKNOWN)) {
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
            throw new InvalidEventException(
                    DeadLetterReason.TIMESTAMP_IN_FUTURE,
                    "eventTime " + eventTime + " is more than " + maxFutureSkewMillis + " ms ahead of the job's clock");
        }
        if (maxEventAgeMillis != NO_AGE_LIMIT && t < now - maxEventAgeMillis) {
            throw new InvalidEventException(
                    DeadLetterReason.TIMESTAMP_TOO_OLD,
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

    private static void optional(String field, String value) throws InvalidEventException {
        if (value != null && value.length() > MAX_ID_LENGTH) {
            throw new InvalidEventException(DeadLetterReason.INVALID_FIELD, field + " longer than " + MAX_ID_LENGTH);
        }
    }

    /** {@code text} cut to at most {@code max} characters, never between the two halves of a surrogate pair. */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static void range(FeedbackMetric metric, int score, int min, int max) throws InvalidEventException {
        if (score < min || score > max) {
            throw new InvalidEventException(
                    DeadLetterReason.SCORE_OUT_OF_RANGE, metric + " score " + score + " outside " + min + ".." + max);
        }
    }
}
