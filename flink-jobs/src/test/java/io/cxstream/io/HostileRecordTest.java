package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.Events;

import org.apache.avro.SystemLimitException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records built to hurt the decoder: length prefixes claiming gigabytes, every truncation, deep
 * nesting. Each must become a dead letter with a reason, cheaply.
 */
class HostileRecordTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final int MAX_BYTES = 64 * 1024;
    /** Far below what any of the claimed lengths would allocate. */
    private static final long ALLOCATION_BUDGET = 8L * 1024 * 1024;

    private final CxRecordDeserializer deserializer = new CxRecordDeserializer(
            "i",
            "f",
            "c",
            null,
            MAX_BYTES,
            new EventValidator(
                    Duration.ofMinutes(10).toMillis(), Duration.ofDays(30).toMillis(), 32),
            (LongSupplier & java.io.Serializable) () -> NOW);
    private final WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
    private final WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);

    private Decoded decode(String topic, byte[] value) {
        return deserializer.decode(topic, 0, 7, NOW, value);
    }

    /** The single-object header of an InteractionEvent followed by a body whose first string claims {@code length} bytes. */
    private byte[] claimingAString(long length) {
        byte[] good =
                interactions.encode(Events.interaction("c", NOW, InteractionType.PAGE_VIEW, "home"), WireFormat.AVRO);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(good, 0, 10);
        writeLong(out, length);
        out.writeBytes("just a few bytes follow".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Avro's zig-zag varint. */
    static void writeLong(ByteArrayOutputStream out, long n) {
        long v = (n << 1) ^ (n >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long allocatedBytes(Runnable r) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        r.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void aStringClaimingTwoGigabytesIsDeadLetteredByAvrosLimitNotByRunningOutOfMemory() {
        byte[] record = claimingAString(2_000_000_000L);
        decode(
                "i",
                interactions.encode(
                        Events.interaction("warm-up", NOW, InteractionType.PAGE_VIEW, "home"), WireFormat.AVRO));
        Decoded[] result = new Decoded[1];
        long allocated = allocatedBytes(() -> result[0] = decode("i", record));

        assertThat(result[0].isDeadLetter()).isTrue();
        assertThat(result[0].deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(result[0].deadLetter.getDetail())
                .contains(SystemLimitException.class.getSimpleName())
                .contains("exceeds")
                .contains("maximum allowed")
                .doesNotContain("OutOfMemoryError");
        assertThat(allocated).as("bytes allocated decoding it").isLessThan(ALLOCATION_BUDGET);
        assertThat(AvroLimits.inEffect(AvroLimits.limitFor(MAX_BYTES)))
                .as("Avro refuses lengths over validation.max-record-bytes (at least 1 MiB)")
                .isTrue();
    }

    @Test
    void aLengthTheHeapCouldHoldIsRefusedBeforeAllocatingItToo() {
        // 200 MB would fit in the test heap: without the limit Avro allocates it, then fails on EOF.
        byte[] record = claimingAString(200_000_000L);
        Decoded[] result = new Decoded[1];
        long allocated = allocatedBytes(() -> result[0] = decode("i", record));
        assertThat(result[0].deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(allocated).as("bytes allocated decoding it").isLessThan(ALLOCATION_BUDGET);
    }

    @Test
    void aMapClaimingABillionEntriesIsRefusedCheaply() {
        InteractionEvent e = Events.interaction("c", NOW, InteractionType.PAGE_VIEW, "home");
        byte[] good = interactions.encode(e, WireFormat.AVRO);
        assertThat(good[good.length - 1])
                .as("the empty attributes map ends the record")
                .isEqualTo((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(good, 0, good.length - 1);
        writeLong(out, 1_000_000_000L);
        out.writeBytes(new byte[] {2, 'k', 2, 'v'});
        Decoded[] result = new Decoded[1];
        long allocated = allocatedBytes(() -> result[0] = decode("i", out.toByteArray()));
        assertThat(result[0].deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(result[0].deadLetter.getDetail()).contains("exceeds").contains("maximum allowed");
        assertThat(allocated).isLessThan(ALLOCATION_BUDGET);
    }

    @Test
    void everyTruncationOfAGoodRecordIsUndecodable() {
        byte[] good = feedback.encode(Events.feedback("c", NOW, FeedbackMetric.NPS, 3), WireFormat.AVRO);
        assertThat(decode("f", good).isDeadLetter()).isFalse();
        for (int length = 2; length < good.length; length++) {
            Decoded d = decode("f", Arrays.copyOf(good, length));
            assertThat(d.isDeadLetter())
                    .as("cut to %d of %d bytes", length, good.length)
                    .isTrue();
            assertThat(d.deadLetter.getReason()).as("cut to %d bytes", length).isEqualTo(DeadLetterReason.UNDECODABLE);
        }
    }

    @Test
    void aFlippedSignBitOfALengthOrAFingerprintBitIsCaught() {
        byte[] good =
                interactions.encode(Events.interaction("c", NOW, InteractionType.PAGE_VIEW, "home"), WireFormat.AVRO);
        byte[] negativeLength = good.clone();
        negativeLength[10] ^= 0x01;
        assertThat(decode("i", negativeLength).deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        for (int bit = 0; bit < 64; bit++) {
            byte[] flipped = good.clone();
            flipped[2 + bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(decode("i", flipped).deadLetter.getReason())
                    .as("fingerprint bit %d", bit)
                    .isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
        }
        assertThat(decode("f", good).deadLetter.getReason())
                .as("an interaction on the feedback topic")
                .isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
    }

    @Test
    void deepNestingIsUndecodableNotAStackOverflowOfTheJob() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(decode("i", ("{\"eventId\": " + deep + "}").getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .getReason())
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(decode("i", ("{\"unknown\": " + deep + "}").getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .getReason())
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(decode("i", deep.getBytes(StandardCharsets.UTF_8)).deadLetter.getReason())
                .isEqualTo(DeadLetterReason.UNRECOGNIZED_FORMAT);
        String objects = "{\"x\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThat(decode("i", objects.getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .getReason())
                .isEqualTo(DeadLetterReason.UNDECODABLE);
    }

    @Test
    void aLongCommentIsCutAtTheEntryAndTheAnswerCounts() {
        FeedbackEvent e = Events.feedback("c", NOW, FeedbackMetric.NPS, 2);
        e.setComment("y".repeat(50_000));
        Decoded d = decode("f", feedback.encode(e, WireFormat.AVRO));
        assertThat(d.isDeadLetter()).isFalse();
        assertThat(d.event.feedback.getComment())
                .hasSize(io.cxstream.config.CxOptions.MAX_COMMENT_LENGTH.defaultValue());
        assertThat(d.event.feedback.getScore()).isEqualTo(2);
    }

    @Test
    void decoderMessagesLoseWhatTheyQuote() {
        Decoded d = decode("f", "{\"comment\": my-secret-words}".getBytes(StandardCharsets.UTF_8));
        assertThat(d.deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(d.deadLetter.getDetail()).doesNotContain("secret");
        assertThat(DeadLetters.redact("Unrecognized token 'abc': was expecting \"x\""))
                .isEqualTo("Unrecognized token '…': was expecting '…'");
        assertThat(DeadLetters.redact("AvroTypeException: Unknown symbol in enum Secret42 at x"))
                .isEqualTo("AvroTypeException: Unknown symbol in enum … at x");
        assertThat(DeadLetters.redact("Unknown union branch Secret42")).isEqualTo("Unknown union branch …");
        Decoded unknownSymbol = decode(
                "f",
                new String(
                                feedback.encode(Events.feedback("c", NOW, FeedbackMetric.NPS, 3), WireFormat.JSON),
                                StandardCharsets.UTF_8)
                        .replace("\"channel\":\"EMAIL\"", "\"channel\":\"my-secret-words\"")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(unknownSymbol.deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(unknownSymbol.deadLetter.getDetail())
                .contains("Unknown symbol")
                .doesNotContain("secret");
    }
}
