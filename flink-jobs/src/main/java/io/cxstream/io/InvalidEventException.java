package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;

/** A decoded record breaks the contract; it goes to the dead-letter topic with {@link #reason()}. */
public final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public InvalidEventException(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
