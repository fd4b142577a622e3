package io.cxstream.avro;

import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed loop's records: acks in (OutreachFeedback), status changes and recovery out (OutreachUpdate,
 * RecoveryRate) round-trip in both wire formats; the JSON an operator types (README, kcat) decodes; and a
 * reader of the released DeadLetterReason meets the new UNKNOWN_OUTREACH as its default, UNKNOWN.
 */
class LoopSchemasTest {
    private static final Instant T = Instant.ofEpochMilli(1_764_000_000_000L);

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void theLoopsRecordsRoundTrip(WireFormat format) throws Exception {
        OutreachFeedback f = OutreachFeedback.newBuilder()
                .setOutreachId("o-1")
                .setCustomerId("alice")
                .setAction(FeedbackAction.CLOSE)
                .setHandledBy("agent-7")
                .setOutcomeCode("REFUNDED")
                .setNote("note")
                .setEventTime(T)
                .build();
        OutreachUpdate u = OutreachUpdate.newBuilder()
                .setOutreachId("o-1")
                .setCustomerId("alice")
                .setRuleId("detractor")
                .setTriggerName("DETRACTOR")
                .setRoute(Route.CONTACT_CENTER)
                .setPriority(Priority.P1)
                .setStatus(OutreachStatus.CLOSED)
                .setRecovery(RecoveryOutcome.RECOVERED)
                .setHeldOut(false)
                .setUpdatedAt(T)
                .build();
        RecoveryRate r = new RecoveryRate("detractor", 10L, 6L, 1L, 2L, 1L, 0L, T);
        assertThat(WireCodec.of(OutreachFeedback.class)
                        .decode(WireCodec.of(OutreachFeedback.class).encode(f, format)))
                .isEqualTo(f);
        assertThat(WireCodec.of(OutreachUpdate.class)
                        .decode(WireCodec.of(OutreachUpdate.class).encode(u, format)))
                .isEqualTo(u);
        assertThat(WireCodec.of(RecoveryRate.class)
                        .decode(WireCodec.of(RecoveryRate.class).encode(r, format)))
                .isEqualTo(r);
    }

    @Test
    void anAckAsTheReadmeTypesItDecodes() throws Exception {
        String json = "{\"outreachId\":\"o-1\",\"customerId\":\"alice\",\"action\":\"ACK\",\"handledBy\":\"agent-7\","
                + "\"outcomeCode\":null,\"note\":null,\"eventTime\":1764000000000}";
        OutreachFeedback f = WireCodec.of(OutreachFeedback.class).decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(f.getAction()).isEqualTo(FeedbackAction.ACK);
        assertThat(f.getEventTime()).isEqualTo(T);
    }

    @Test
    void aReleasedReaderReadsTheNewDeadLetterReasonAsUnknown() throws Exception {
        Schema current = DeadLetterReason.getClassSchema();
        Schema released = new Schema.Parser().parse(current.toString().replace(",\"UNKNOWN_OUTREACH\"", ""));
        assertThat(released.getEnumSymbols()).doesNotContain("UNKNOWN_OUTREACH");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(current).write(new GenericData.EnumSymbol(current, "UNKNOWN_OUTREACH"), enc);
        enc.flush();
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        Object read = new GenericDatumReader<GenericRecord>(current, released).read(null, dec);
        assertThat(read.toString()).isEqualTo("UNKNOWN");
    }
}
