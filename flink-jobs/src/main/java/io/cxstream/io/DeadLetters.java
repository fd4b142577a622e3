package io.cxstream.io;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Builds the {@link DeadLetter} of a record that could not be read, for every source of the job: the raw
 * payload (cut to {@code maxRecordBytes}), where it came from, the reason, and a detail that holds no record
 * content ({@link #redact}).
 */
public final class DeadLetters {
    private DeadLetters() {}

    /** Quoted fragments (Jackson) and the unquoted value after Avro's "Unknown symbol in enum" / "Unknown union branch". */
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");

    private static final Pattern ECHOED = Pattern.compile("(Unknown symbol in enum|Unknown union branch)\\s+\\S+");

    /** The dead letter of {@code value}, read at {@code topic}/{@code partition}/{@code offset}, dead-lettered at {@code now}. */
    public static DeadLetter of(
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] value,
            DeadLetterReason reason,
            String detail,
            int maxRecordBytes,
            long now) {
        byte[] payload = value == null ? new byte[0] : value;
        boolean truncated = payload.length > maxRecordBytes;
        if (truncated) {
            payload = Arrays.copyOf(payload, maxRecordBytes);
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setReason(reason)
                .setDetail(detail == null ? reason.name() : redact(detail))
                .setPayload(ByteBuffer.wrap(payload))
                .setPayloadTruncated(truncated)
                .setRecordTimestamp(Instant.ofEpochMilli(Math.max(0, timestamp)))
                .setDeadLetteredAt(Instant.ofEpochMilli(now))
                .build();
    }

    /**
     * Decoder messages can echo what they choke on (Jackson: {@code Unrecognized token 'xyz'}; Avro's
     * JSON decoder: {@code Unknown symbol in enum xyz}), which may be a piece of a comment or a name.
     * Those fragments are replaced by {@code …} and the detail is capped, so the dead letter's detail
     * holds no record content (its payload field does, by design).
     */
    public static String redact(String detail) {
        String redacted =
                ECHOED.matcher(QUOTED.matcher(detail).replaceAll("'…'")).replaceAll("$1 …");
        return redacted.length() > 500 ? redacted.substring(0, 500) + "…" : redacted;
    }
}
