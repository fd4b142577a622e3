package io.cxstream.generator;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;

import org.apache.avro.specific.SpecificRecordBase;

import java.time.Instant;
import java.util.Objects;

/**
 * One event of a simulated journey, ready to be encoded and sent.
 *
 * @param kind which contract {@link #record()} is, and so which topic it goes to
 * @param customerId the customer (also the Kafka key)
 * @param record an {@link InteractionEvent}, {@link FeedbackEvent} or {@link ConsentEvent}, as {@code kind} says
 * @param persona the persona of the journey the event belongs to
 * @param journeyId id of that journey, unique within one simulator
 * @param lastOfJourney whether this is the journey's final event
 */
public record SimulatedEvent(
        EventKind kind,
        String customerId,
        SpecificRecordBase record,
        Persona persona,
        long journeyId,
        boolean lastOfJourney) {

    public SimulatedEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(persona, "persona");
        Class<?> expected = switch (kind) {
            case INTERACTION -> InteractionEvent.class;
            case FEEDBACK -> FeedbackEvent.class;
            case CONSENT -> ConsentEvent.class;
        };
        if (!expected.isInstance(record)) {
            throw new IllegalArgumentException(kind + " event must carry a " + expected.getSimpleName()
                    + " but carries a " + record.getClass().getSimpleName());
        }
    }

    /** The topic this event goes to. */
    public String topic(TopicNames topics) {
        return topics.forKind(kind);
    }

    /** The record's {@code eventId}. */
    public String eventId() {
        return (String) record.get("eventId");
    }

    /** The record's {@code eventTime}. */
    public Instant eventTime() {
        return (Instant) record.get("eventTime");
    }

    /** The record as an interaction; fails if it is another kind. */
    public InteractionEvent interaction() {
        return as(InteractionEvent.class);
    }

    /** The record as a survey answer; fails if it is another kind. */
    public FeedbackEvent feedback() {
        return as(FeedbackEvent.class);
    }

    /** The record as a consent change; fails if it is another kind. */
    public ConsentEvent consent() {
        return as(ConsentEvent.class);
    }

    private <T extends SpecificRecordBase> T as(Class<T> type) {
        if (!type.isInstance(record)) {
            throw new IllegalStateException("a " + kind + " event is not a " + type.getSimpleName());
        }
        return type.cast(record);
    }
}
