package io.cxstream.io;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.Events;

import org.apache.avro.specific.SpecificRecordBase;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hostile and broken records for one input topic, each with the dead-letter reason the job must give
 * it, built from a seeded {@link Random} so a failure can be replayed. Every kind's reason is known by
 * construction (e.g. a bit flip only where its effect is certain), not by asking the code under test.
 */
final class BadRecords {
    /** One record value and what must become of it: a reason, or null for a good record. */
    record Sample(String key, byte[] value, DeadLetterReason expected) {}

    static final long YEAR_1970 = 1_000L;
    static final long YEAR_2200 = 7_258_118_400_000L;

    private final Random random;
    private final long now;

    BadRecords(long seed, long now) {
        this.random = new Random(seed);
        this.now = now;
    }

    /** Bad records of every kind that applies to any input, {@code perKind} of most kinds. */
    <T extends SpecificRecordBase> List<Sample> common(
            WireCodec<T> codec,
            Supplier<T> template,
            java.util.function.BiFunction<String, Long, T> withCustomerAndTime,
            SpecificRecordBase otherType,
            int perKind) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < perKind; i++) {
            // random bytes: anything not starting like Avro single-object or JSON
            byte[] noise = new byte[1 + random.nextInt(300)];
            random.nextBytes(noise);
            while (noise[0] == WireCodec.MARKER_0
                    || noise[0] == '{'
                    || noise[0] == ' '
                    || noise[0] == '\t'
                    || noise[0] == '\r'
                    || noise[0] == '\n') {
                noise[0] = (byte) random.nextInt(256);
            }
            add(out, noise, DeadLetterReason.UNRECOGNIZED_FORMAT);

            byte[] good = codec.encode(template.get(), WireFormat.AVRO);
            // truncated: every strict prefix of a record ends before its last field does
            add(out, Arrays.copyOf(good, 2 + random.nextInt(good.length - 2)), DeadLetterReason.UNDECODABLE);
            // one bit flipped in the writer-schema fingerprint
            byte[] flipped = good.clone();
            flipped[2 + random.nextInt(8)] ^= (byte) (1 << random.nextInt(8));
            add(out, flipped, DeadLetterReason.UNKNOWN_SCHEMA);
            // the sign bit of the first string length flipped: a negative length
            byte[] negative = good.clone();
            negative[10] ^= 0x01;
            add(out, negative, DeadLetterReason.UNDECODABLE);
            // a fingerprint no schema has
            byte[] unknown = good.clone();
            for (int b = 2; b < 10; b++) {
                unknown[b] = (byte) random.nextInt(256);
            }
            add(out, unknown, DeadLetterReason.UNKNOWN_SCHEMA);
            // malformed JSON, in turns
            String json = new String(codec.encode(template.get(), WireFormat.JSON), StandardCharsets.UTF_8);
            String[] malformed = {
                json.substring(0, 1 + random.nextInt(json.length() - 1)), // cut short
                json + "{\"eventId\":\"x\"}", // a second value
                "{}",
                "{not json at all",
                replace(json, "\"eventTime\":", "\"eventTime\":\"yesterday\",\"was\":"), // wrong type
                replace(json, "\"customerId\":", "\"customerId\":42,\"was\":"), // wrong type
                replace(json, "\"customerId\":", "\"customerId\":null,\"was\":"), // null customer id
            };
            add(out, utf8(malformed[i % malformed.length]), DeadLetterReason.UNDECODABLE);
            // empty and blank customer ids, in both formats
            T blank = withCustomerAndTime.apply(i % 2 == 0 ? "" : "   ", now);
            add(
                    out,
                    codec.encode(blank, i % 3 == 0 ? WireFormat.JSON : WireFormat.AVRO),
                    DeadLetterReason.MISSING_CUSTOMER_ID);
            // 1970 and 2200
            add(
                    out,
                    codec.encode(withCustomerAndTime.apply("c-" + i, YEAR_1970 + i), WireFormat.AVRO),
                    DeadLetterReason.TIMESTAMP_TOO_OLD);
            add(
                    out,
                    codec.encode(withCustomerAndTime.apply("c-" + i, YEAR_2200 + i), WireFormat.JSON),
                    DeadLetterReason.TIMESTAMP_IN_FUTURE);
        }
        for (int i = 0; i < Math.max(1, perKind / 20); i++) {
            String deepArrays = "[".repeat(10_000) + "]".repeat(10_000);
            add(out, utf8("{\"eventId\": " + deepArrays + "}"), DeadLetterReason.UNDECODABLE);
            add(out, utf8("{\"unknown\": " + deepArrays + "}"), DeadLetterReason.UNDECODABLE);
            add(out, utf8(deepArrays), DeadLetterReason.UNRECOGNIZED_FORMAT);
            add(out, utf8("{\"x\":".repeat(10_000) + "1" + "}".repeat(10_000)), DeadLetterReason.UNDECODABLE);
            // a string length claiming 2 GB (refused by Avro's limits) and a record of another input's schema
            add(
                    out,
                    claimingLength(codec.encode(template.get(), WireFormat.AVRO), 2_000_000_000L),
                    DeadLetterReason.UNDECODABLE);
            add(out, WireCodecs.encode(otherType), DeadLetterReason.UNKNOWN_SCHEMA);
            add(out, new byte[0], DeadLetterReason.UNRECOGNIZED_FORMAT);
            add(out, null, DeadLetterReason.UNRECOGNIZED_FORMAT);
            // just over validation.max-record-bytes (64 KiB by default)
            byte[] big = new byte[100 * 1024];
            Arrays.fill(big, (byte) 'x');
            big[0] = '{';
            add(out, big, DeadLetterReason.TOO_LARGE);
        }
        return out;
    }

    /** The header of {@code good}, then a first string claiming {@code length} bytes. */
    static byte[] claimingLength(byte[] good, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(good, 0, 10);
        long v = (length << 1) ^ (length >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        out.writeBytes(utf8("a few bytes"));
        return out.toByteArray();
    }

    /** A random string of {@code length} letters (incompressible enough that a 5 MiB one stays big on the wire). */
    String letters(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(c);
    }

    Random random() {
        return random;
    }

    private static String replace(String json, String target, String replacement) {
        if (!json.contains(target)) {
            throw new IllegalStateException("fixture out of date: no " + target + " in " + json);
        }
        return json.replace(target, replacement);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void add(List<Sample> out, byte[] value, DeadLetterReason reason) {
        out.add(new Sample("bad-" + out.size(), value, reason));
    }

    // ---- the per-input kinds ---------------------------------------------------------------------

    static InteractionEvent interaction(String customer, long t) {
        return Events.interaction(customer, t, InteractionType.PAGE_VIEW, "home");
    }

    static FeedbackEvent feedback(String customer, long t) {
        return Events.feedback(customer, t, FeedbackMetric.CSAT, 4);
    }

    static ConsentEvent consent(String customer, long t) {
        return Events.consent(customer, t, ConsentAction.OPT_IN, ConsentPurpose.SERVICE);
    }

    List<Sample> interactions(int perKind) {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        List<Sample> out =
                common(codec, () -> interaction("c", now), BadRecords::interaction, consent("c", now), perKind);
        for (int i = 0; i < perKind / 4; i++) {
            InteractionEvent manyAttributes = interaction("c-" + i, now);
            for (int a = 0; a < 33; a++) {
                manyAttributes.getAttributes().put("k" + a, "v");
            }
            add(out, codec.encode(manyAttributes, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
            InteractionEvent longValue = interaction("c-" + i, now);
            longValue.getAttributes().put("note", letters(1000));
            add(out, codec.encode(longValue, WireFormat.JSON), DeadLetterReason.INVALID_FIELD);
            InteractionEvent longTouchpoint = interaction("c-" + i, now);
            longTouchpoint.setTouchpoint(letters(300));
            add(out, codec.encode(longTouchpoint, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
            InteractionEvent longAgent = interaction("c-" + i, now);
            longAgent.setAgentId(letters(300));
            add(out, codec.encode(longAgent, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
            InteractionEvent longCustomer = interaction(letters(300), now);
            add(out, codec.encode(longCustomer, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
        }
        InteractionEvent huge = interaction("c-huge", now);
        huge.getAttributes().put("blob", letters(5 * 1024 * 1024));
        add(out, codec.encode(huge, WireFormat.AVRO), DeadLetterReason.TOO_LARGE);
        return out;
    }

    List<Sample> feedback(int perKind) {
        WireCodec<FeedbackEvent> codec = WireCodec.of(FeedbackEvent.class);
        List<Sample> out =
                common(codec, () -> feedback("c", now), BadRecords::feedback, interaction("c", now), perKind);
        FeedbackMetric[] metrics = {
            FeedbackMetric.NPS,
            FeedbackMetric.NPS,
            FeedbackMetric.CSAT,
            FeedbackMetric.CSAT,
            FeedbackMetric.CES,
            FeedbackMetric.CES,
            FeedbackMetric.NPS,
            FeedbackMetric.CSAT
        };
        int[] scores = {11, -1, 0, 6, 0, 8, Integer.MIN_VALUE, Integer.MAX_VALUE};
        for (int i = 0; i < perKind; i++) {
            FeedbackEvent e = Events.feedback("c-" + i, now, metrics[i % metrics.length], scores[i % scores.length]);
            add(
                    out,
                    codec.encode(e, i % 2 == 0 ? WireFormat.AVRO : WireFormat.JSON),
                    DeadLetterReason.SCORE_OUT_OF_RANGE);
        }
        for (int i = 0; i < perKind / 4; i++) {
            FeedbackEvent longTouchpoint = feedback("c-" + i, now);
            longTouchpoint.setTouchpoint(letters(300));
            add(out, codec.encode(longTouchpoint, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
            FeedbackEvent longSurvey = feedback("c-" + i, now);
            longSurvey.setSurveyId(letters(300));
            add(out, codec.encode(longSurvey, WireFormat.JSON), DeadLetterReason.INVALID_FIELD);
        }
        FeedbackEvent hugeComment = feedback("c-huge", now);
        hugeComment.setComment(letters(5 * 1024 * 1024));
        add(out, codec.encode(hugeComment, WireFormat.AVRO), DeadLetterReason.TOO_LARGE);
        return out;
    }

    List<Sample> consents(int perKind) {
        WireCodec<ConsentEvent> codec = WireCodec.of(ConsentEvent.class);
        List<Sample> out = common(codec, () -> consent("c", now), BadRecords::consent, feedback("c", now), perKind);
        for (int i = 0; i < perKind / 4; i++) {
            ConsentEvent unknownAction = Events.consent("c-" + i, now, ConsentAction.UNKNOWN, ConsentPurpose.ALL);
            add(out, codec.encode(unknownAction, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
            ConsentEvent unknownPurpose = Events.consent("c-" + i, now, ConsentAction.OPT_OUT, ConsentPurpose.UNKNOWN);
            add(out, codec.encode(unknownPurpose, WireFormat.JSON), DeadLetterReason.INVALID_FIELD);
            ConsentEvent longEventId = consent("c-" + i, now);
            longEventId.setEventId(letters(300));
            add(out, codec.encode(longEventId, WireFormat.AVRO), DeadLetterReason.INVALID_FIELD);
        }
        ConsentEvent huge = consent("c-huge", now);
        huge.setEventId(letters(5 * 1024 * 1024));
        add(out, codec.encode(huge, WireFormat.AVRO), DeadLetterReason.TOO_LARGE);
        return out;
    }

    /** Avro single-object bytes of any generated record. */
    static final class WireCodecs {
        private WireCodecs() {}

        @SuppressWarnings("unchecked")
        static <T extends SpecificRecordBase> byte[] encode(T record) {
            return WireCodec.of((Class<T>) record.getClass()).encode(record, WireFormat.AVRO);
        }
    }
}
