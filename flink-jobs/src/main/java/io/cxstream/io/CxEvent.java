package io.cxstream.io;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * A validated input event on its way to the per-customer journey: exactly one of
 * {@link #interaction}, {@link #feedback} or {@link #consent} is set. It crosses the keyBy with its own
 * serializer ({@link CxEventSerializer}), neither Kryo nor Flink's POJO serializer.
 */
@TypeInfo(CxEventTypeInfo.Factory.class)
public class CxEvent {
    public String customerId;
    /** Event time, epoch millis. */
    public long eventTime;

    public InteractionEvent interaction;
    public FeedbackEvent feedback;
    public ConsentEvent consent;

    public CxEvent() {}

    public static CxEvent of(InteractionEvent e) {
        CxEvent c = new CxEvent();
        c.customerId = e.getCustomerId();
        c.eventTime = e.getEventTime().toEpochMilli();
        c.interaction = e;
        return c;
    }

    public static CxEvent of(FeedbackEvent e) {
        CxEvent c = new CxEvent();
        c.customerId = e.getCustomerId();
        c.eventTime = e.getEventTime().toEpochMilli();
        c.feedback = e;
        return c;
    }

    public static CxEvent of(ConsentEvent e) {
        CxEvent c = new CxEvent();
        c.customerId = e.getCustomerId();
        c.eventTime = e.getEventTime().toEpochMilli();
        c.consent = e;
        return c;
    }

    public String eventId() {
        if (interaction != null) {
            return interaction.getEventId();
        }
        if (feedback != null) {
            return feedback.getEventId();
        }
        return consent.getEventId();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CxEvent)) {
            return false;
        }
        CxEvent other = (CxEvent) o;
        return eventTime == other.eventTime
                && Objects.equals(customerId, other.customerId)
                && Objects.equals(interaction, other.interaction)
                && Objects.equals(feedback, other.feedback)
                && Objects.equals(consent, other.consent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, eventTime);
    }

    @Override
    public String toString() {
        // Never prints payload fields (comments are personal data).
        String kind = interaction != null
                ? "interaction " + interaction.getType()
                : feedback != null ? "feedback " + feedback.getMetric() : "consent " + consent.getAction();
        return "CxEvent{" + kind + ", customer=" + customerId + ", t=" + eventTime + "}";
    }
}
