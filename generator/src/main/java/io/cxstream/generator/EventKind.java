package io.cxstream.generator;

/** Which input contract, and so which topic, an event belongs to. */
public enum EventKind {
    /** An {@link io.cxstream.avro.InteractionEvent} for the interactions topic. */
    INTERACTION,
    /** A {@link io.cxstream.avro.FeedbackEvent} for the feedback topic. */
    FEEDBACK,
    /** A {@link io.cxstream.avro.ConsentEvent} for the consents topic. */
    CONSENT
}
