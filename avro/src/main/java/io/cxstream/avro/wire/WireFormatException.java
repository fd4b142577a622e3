package io.cxstream.avro.wire;

import io.cxstream.avro.DeadLetterReason;

/** A record could not be decoded; {@link #reason()} says why in dead-letter terms. */
public final class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public WireFormatException(DeadLetterReason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public WireFormatException(DeadLetterReason reason, String detail) {
        this(reason, detail, null);
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
