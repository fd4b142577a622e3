package io.cxstream.avro;

import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;

import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.cxstream.avro.AvroFixtures.EVENT_TIME;
import static io.cxstream.avro.AvroFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The wire codec: both formats, auto-detection, and a defined failure for every kind of bad input. */
class WireCodecTest {
    /** Marker (2 bytes) + CRC-64-AVRO fingerprint (8 bytes) of the single-object encoding. */
    private static final int HEADER_LENGTH = 10;

    private static final long FUZZ_SEED = 20_261_123L;
    private static final int FLIPS_PER_RECORD = 3_000;
    private static final int MAX_BITS_PER_FLIP = 3;

    /**
     * What a kcat user types, as the README shows: nullable fields wrapped in their branch name,
     * {@code null} bare, the timestamp as epoch milliseconds.
     */
    static final String README_INTERACTION_JSON =
            "{\"eventId\":\"e1\",\"customerId\":\"c-1\",\"eventTime\":1732350000000,"
                    + "\"channel\":\"WEB\",\"touchpoint\":\"checkout\",\"type\":\"PAYMENT_FAILED\","
                    + "\"sessionId\":{\"string\":\"s1\"},\"agentId\":null,\"attributes\":{}}";

    static Stream<Arguments> recordsAndFormats() {
        return AvroFixtures.all().stream()
                .flatMap(r -> Arrays.stream(WireFormat.values())
                        .map(f -> Arguments.of(r.getClass().getSimpleName(), r, f)));
    }

    static Stream<Arguments> records() {
        return AvroFixtures.all().stream().map(r -> Arguments.of(r.getClass().getSimpleName(), r));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("recordsAndFormats")
    void roundTripsEveryRecordTypeInBothFormats(String name, SpecificRecordBase record, WireFormat format)
            throws Exception {
        WireCodec<SpecificRecordBase> codec = codecFor(record);

        byte[] bytes = codec.encode(record, format);

        assertThat(codec.decode(bytes)).isEqualTo(record);
        assertThat(codec.decode(bytes, format)).isEqualTo(record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void avroUsesSingleObjectHeaderWithTheCurrentFingerprint(String name, SpecificRecordBase record) {
        WireCodec<SpecificRecordBase> codec = codecFor(record);

        byte[] bytes = codec.encode(record, WireFormat.AVRO);

        assertThat(bytes[0]).isEqualTo(WireCodec.MARKER_0);
        assertThat(bytes[1]).isEqualTo(WireCodec.MARKER_1);
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(codec.fingerprint());
        assertThat(WireCodec.isSingleObject(bytes)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void jsonIsAvroJsonStartingWithABrace(String name, SpecificRecordBase record) {
        byte[] bytes = codecFor(record).encode(record, WireFormat.JSON);

        assertThat(bytes[0]).isEqualTo((byte) '{');
        assertThat(WireCodec.isSingleObject(bytes)).isFalse();
    }

    @Test
    void jsonWithLeadingWhiteSpaceIsDetected() throws Exception {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        byte[] json = codec.encode(AvroFixtures.interaction(), WireFormat.JSON);

        byte[] padded = concat(utf8(" \t\r\n "), json);

        assertThat(codec.decode(padded)).isEqualTo(AvroFixtures.interaction());
    }

    @Test
    void readmeExampleForKcatUsersDecodes() throws Exception {
        InteractionEvent event = WireCodec.of(InteractionEvent.class).decode(utf8(README_INTERACTION_JSON));

        assertThat(event.getEventId()).isEqualTo("e1");
        assertThat(event.getCustomerId()).isEqualTo("c-1");
        assertThat(event.getEventTime()).isEqualTo(EVENT_TIME);
        assertThat(event.getChannel()).isEqualTo(Channel.WEB);
        assertThat(event.getTouchpoint()).isEqualTo("checkout");
        assertThat(event.getType()).isEqualTo(InteractionType.PAYMENT_FAILED);
        assertThat(event.getSessionId()).isEqualTo("s1");
        assertThat(event.getAgentId()).isNull();
        assertThat(event.getAttributes()).isEmpty();
    }

    @Test
    void jsonFieldsMayComeInAnyOrder() throws Exception {
        String reordered = "{\"attributes\":{\"orderId\":\"o-1\"},\"type\":\"ORDER_PLACED\",\"agentId\":null,"
                + "\"sessionId\":null,\"touchpoint\":\"checkout\",\"channel\":\"MOBILE_APP\",\"eventTime\":1732350000000,"
                + "\"customerId\":\"c-1\",\"eventId\":\"e1\"}";

        InteractionEvent event = WireCodec.of(InteractionEvent.class).decode(utf8(reordered));

        assertThat(event.getType()).isEqualTo(InteractionType.ORDER_PLACED);
        assertThat(event.getAttributes()).containsExactlyEntriesOf(Map.of("orderId", "o-1"));
    }

    // ---- unrecognized formats -------------------------------------------------------------------

    @Test
    void emptyAndNullAreUnrecognized() {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);

        assertReason(() -> codec.decode(new byte[0]), DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertReason(() -> codec.decode(null), DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertReason(() -> codec.decode(new byte[0], WireFormat.AVRO), DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertReason(() -> codec.decode(null, WireFormat.JSON), DeadLetterReason.UNRECOGNIZED_FORMAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "   ", "[1,2,3]", "\"just a string\"", "42", "null", "<xml/>", "\u00c3"})
    void garbageTextIsUnrecognized(String text) {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);

        assertReason(() -> codec.decode(utf8(text)), DeadLetterReason.UNRECOGNIZED_FORMAT);
    }

    @Test
    void randomBinaryWithoutMarkerIsUnrecognized() {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        SplittableRandom random = new SplittableRandom(FUZZ_SEED);
        for (int i = 0; i < 1_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes[0] == WireCodec.MARKER_0 || Character.isWhitespace(bytes[0]) || bytes[0] == '{') {
                bytes[0] = 0x00;
            }
            assertReason(() -> codec.decode(bytes), DeadLetterReason.UNRECOGNIZED_FORMAT);
        }
    }

    @Test
    void eachFormatIsRefusedWhereTheOtherIsConfigured() throws Exception {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        byte[] avro = codec.encode(AvroFixtures.interaction(), WireFormat.AVRO);
        byte[] json = codec.encode(AvroFixtures.interaction(), WireFormat.JSON);

        assertReason(() -> codec.decode(avro, WireFormat.JSON), DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertReason(() -> codec.decode(json, WireFormat.AVRO), DeadLetterReason.UNRECOGNIZED_FORMAT);
        assertThat(codec.decode(avro, WireFormat.AVRO)).isEqualTo(AvroFixtures.interaction());
        assertThat(codec.decode(json, WireFormat.JSON)).isEqualTo(AvroFixtures.interaction());
    }

    // ---- damaged Avro ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void everyTruncationOfAnAvroRecordIsUndecodable(String name, SpecificRecordBase record) {
        WireCodec<SpecificRecordBase> codec = codecFor(record);
        byte[] bytes = codec.encode(record, WireFormat.AVRO);

        // Keep at least the marker: shorter prefixes cannot be told from other binary data.
        for (int length = 2; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThat(catchThrowable(() -> codec.decode(truncated)))
                    .as("prefix of %d of %d bytes", length, bytes.length)
                    .isInstanceOfSatisfying(
                            WireFormatException.class,
                            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void bitFlippedAvroBodiesDecodeOrAreUndecodableButNeverThrowAnythingElse(String name, SpecificRecordBase record) {
        WireCodec<SpecificRecordBase> codec = codecFor(record);
        byte[] original = codec.encode(record, WireFormat.AVRO);
        SplittableRandom random = new SplittableRandom(FUZZ_SEED ^ name.hashCode());
        int undecodable = 0;

        for (int i = 0; i < FLIPS_PER_RECORD; i++) {
            byte[] damaged = original.clone();
            int bits = 1 + random.nextInt(MAX_BITS_PER_FLIP);
            for (int b = 0; b < bits; b++) {
                int index = HEADER_LENGTH + random.nextInt(damaged.length - HEADER_LENGTH);
                damaged[index] ^= (byte) (1 << random.nextInt(Byte.SIZE));
            }
            // and sometimes cut it too
            byte[] input = random.nextInt(4) == 0
                    ? Arrays.copyOf(damaged, HEADER_LENGTH + random.nextInt(damaged.length - HEADER_LENGTH))
                    : damaged;
            Throwable thrown = catchThrowable(() -> codec.decode(input));
            if (thrown != null) {
                assertThat(thrown).as("flip #%d", i).isInstanceOf(WireFormatException.class);
                assertThat(((WireFormatException) thrown).reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                undecodable++;
            }
        }
        assertThat(undecodable).as("damage must be detected at least sometimes").isGreaterThan(FLIPS_PER_RECORD / 10);
    }

    @Test
    void damagedJsonIsUndecodableAndNeverThrowsAnythingElse() throws Exception {
        WireCodec<FeedbackEvent> codec = WireCodec.of(FeedbackEvent.class);
        String original = new String(codec.encode(AvroFixtures.feedback(), WireFormat.JSON), StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(FUZZ_SEED);
        String alphabet = "{}[]\":,.-+eE0123456789 nulltrfs\\";
        int undecodable = 0;

        for (int i = 0; i < FLIPS_PER_RECORD; i++) {
            StringBuilder damaged = new StringBuilder(original);
            int edits = 1 + random.nextInt(MAX_BITS_PER_FLIP);
            for (int e = 0; e < edits; e++) {
                int at = 1 + random.nextInt(damaged.length() - 1);
                switch (random.nextInt(3)) {
                    case 0 -> damaged.deleteCharAt(at);
                    case 1 -> damaged.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> damaged.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            Throwable thrown = catchThrowable(() -> codec.decode(utf8(damaged.toString())));
            if (thrown != null) {
                assertThat(thrown).as("edit #%d: %s", i, damaged).isInstanceOf(WireFormatException.class);
                assertThat(((WireFormatException) thrown).reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                undecodable++;
            }
        }
        assertThat(undecodable).isGreaterThan(FLIPS_PER_RECORD / 2);
        assertThat(codec.decode(utf8(original))).isEqualTo(AvroFixtures.feedback());
    }

    @Test
    void unknownFingerprintIsUnknownSchema() {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        byte[] bytes = codec.encode(AvroFixtures.interaction(), WireFormat.AVRO);
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(codec.fingerprint() + 1);

        assertReason(() -> codec.decode(bytes), DeadLetterReason.UNKNOWN_SCHEMA);
    }

    @Test
    void anotherRecordTypeIsUnknownSchema() {
        byte[] feedback = WireCodec.of(FeedbackEvent.class).encode(AvroFixtures.feedback(), WireFormat.AVRO);

        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(feedback), DeadLetterReason.UNKNOWN_SCHEMA);
    }

    @Test
    void headerOnlyIsUndecodable() {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        byte[] header = Arrays.copyOf(codec.encode(AvroFixtures.interaction(), WireFormat.AVRO), HEADER_LENGTH);

        assertReason(() -> codec.decode(header), DeadLetterReason.UNDECODABLE);
    }

    // ---- bad JSON -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{",
                "{}",
                "{\"eventId\": }",
                "{ not json at all",
                "{\"eventId\":\"e1\",\"customerId\":\"c-1\",\"eventTime\":1732350000000,",
                "{\"eventId\":\"e1\"}}}}",
            })
    void malformedJsonIsUndecodable(String json) {
        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "{}", "\n{\"eventId\":\"e2\"}", ",", "]"})
    void jsonWithAnythingButWhiteSpaceAfterTheRecordIsUndecodable(String trailer) {
        String json = README_INTERACTION_JSON + trailer;

        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
    }

    @Test
    void jsonWithTwoRecordsInOneValueIsUndecodableRatherThanLosingTheSecond() {
        String json = README_INTERACTION_JSON + "\n" + README_INTERACTION_JSON.replace("e1", "e2");

        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
    }

    @Test
    void jsonWithTrailingWhiteSpaceDecodes() throws Exception {
        String json = README_INTERACTION_JSON + " \r\n\t";

        assertThat(WireCodec.of(InteractionEvent.class).decode(utf8(json)).getEventId())
                .isEqualTo("e1");
    }

    /** Documented leniency of Avro's JSON decoder: fields the schema does not know are skipped. */
    @Test
    void jsonWithUnknownExtraFieldsDecodesIgnoringThem() throws Exception {
        String json = README_INTERACTION_JSON
                .replace("{\"eventId\"", "{\"tenant\":\"t1\",\"eventId\"")
                .replace("\"attributes\":{}", "\"attributes\":{},\"extra\":{\"nested\":[1,2]}");

        InteractionEvent event = WireCodec.of(InteractionEvent.class).decode(utf8(json));

        assertThat(event).isEqualTo(WireCodec.of(InteractionEvent.class).decode(utf8(README_INTERACTION_JSON)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // event time as an ISO string instead of epoch millis
                "\"eventTime\":1732350000000=>\"eventTime\":\"2024-11-23T08:20:00Z\"",
                // a number for a string
                "\"customerId\":\"c-1\"=>\"customerId\":1",
                // a symbol that is not in the enum
                "\"channel\":\"WEB\"=>\"channel\":\"FAX\"",
                // enum in lower case
                "\"type\":\"PAYMENT_FAILED\"=>\"type\":\"payment_failed\"",
                // a nullable field without its union branch name
                "\"sessionId\":{\"string\":\"s1\"}=>\"sessionId\":\"s1\"",
                // null for a required field
                "\"customerId\":\"c-1\"=>\"customerId\":null",
                // a non-string map value
                "\"attributes\":{}=>\"attributes\":{\"amount\":12.5}",
            })
    void jsonWithWrongTypesIsUndecodable(String replacement) {
        String[] parts = replacement.split("=>");
        String json = README_INTERACTION_JSON.replace(parts[0], parts[1]);
        assertThat(json).isNotEqualTo(README_INTERACTION_JSON);

        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventId", "customerId", "eventTime", "channel", "touchpoint", "type"})
    void jsonMissingARequiredFieldIsUndecodable(String field) {
        String json = withoutField(README_INTERACTION_JSON, field);

        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
    }

    /**
     * Finding (Avro 1.12.1): the JSON decoder does NOT fill in defaults. A JSON document must
     * carry every field, even the nullable ones with {@code "default": null} and the map with
     * {@code "default": {}}; leaving one out is a decoding error ("Expected field name not found"),
     * (or, for the last field, e.g. "Expected map-start. Got END_OBJECT"), so such a record is
     * dead-lettered as UNDECODABLE. Producers (and the README's kcat example)
     * must write {@code "agentId":null} etc. explicitly. Single-object Avro records written with an
     * older schema are different: they are resolved, and there the defaults do apply
     * (see {@link SchemaEvolutionTest}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sessionId", "agentId", "attributes"})
    void jsonOmittingAnOptionalFieldWithADefaultIsUndecodable(String field) {
        String json = withoutField(README_INTERACTION_JSON, field);

        assertReason(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
        assertThat(catchThrowable(() -> WireCodec.of(InteractionEvent.class).decode(utf8(json))))
                .hasMessageContaining("AvroTypeException: Expected ");
    }

    @Test
    void jsonConsentOmittingPurposeAndChannelIsUndecodable() {
        String json = "{\"eventId\":\"e3\",\"customerId\":\"c-1\",\"eventTime\":1732350000000,\"action\":\"ERASE\"}";

        assertReason(() -> WireCodec.of(ConsentEvent.class).decode(utf8(json)), DeadLetterReason.UNDECODABLE);
    }

    // ---- robustness -----------------------------------------------------------------------------

    @Test
    void codecStaysUsableAfterFailures() throws Exception {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        byte[] avro = codec.encode(AvroFixtures.interaction(), WireFormat.AVRO);
        byte[] json = codec.encode(AvroFixtures.interaction(), WireFormat.JSON);

        for (int round = 0; round < 3; round++) {
            assertReason(() -> codec.decode(utf8("{\"eventId\": ")), DeadLetterReason.UNDECODABLE);
            assertThat(codec.decode(json)).isEqualTo(AvroFixtures.interaction());
            assertReason(() -> codec.decode(Arrays.copyOf(avro, avro.length - 1)), DeadLetterReason.UNDECODABLE);
            assertThat(codec.decode(avro)).isEqualTo(AvroFixtures.interaction());
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void encodingAnInvalidRecordFailsWithoutBreakingTheCodec(WireFormat format) throws Exception {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        InteractionEvent invalid = AvroFixtures.interaction();
        invalid.setCustomerId(null);

        assertThatThrownBy(() -> codec.encode(invalid, format)).isInstanceOf(IllegalArgumentException.class);

        byte[] bytes = codec.encode(AvroFixtures.interaction(), format);
        assertThat(codec.decode(bytes)).isEqualTo(AvroFixtures.interaction());
    }

    @Test
    void encodedBytesAreIndependentOfLaterEncodes() {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        InteractionEvent other = AvroFixtures.interaction();
        other.setCustomerId("c-9999999");

        for (WireFormat format : WireFormat.values()) {
            byte[] first = codec.encode(AvroFixtures.interaction(), format);
            byte[] copy = first.clone();
            codec.encode(other, format);
            assertThat(first).as(format.name()).isEqualTo(copy);
        }
    }

    @Test
    void codecSurvivesJavaSerialization() throws Exception {
        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);
        byte[] avro = codec.encode(AvroFixtures.interaction(), WireFormat.AVRO);

        WireCodec<InteractionEvent> copy = roundTripThroughJavaSerialization(codec);

        assertThat(copy.type()).isEqualTo(InteractionEvent.class);
        assertThat(copy.decode(avro)).isEqualTo(AvroFixtures.interaction());
    }

    @ParameterizedTest
    @ValueSource(strings = {"avro", " AVRO ", "json", "Json"})
    void wireFormatParsesConfigurationValues(String value) {
        assertThat(WireFormat.parse(value).name()).isEqualTo(value.trim().toUpperCase(java.util.Locale.ROOT));
    }

    static Stream<WireFormat> formats() {
        return Arrays.stream(WireFormat.values());
    }

    // ---- helpers --------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecordBase> WireCodec<T> codecFor(T record) {
        return WireCodec.of((Class<T>) record.getClass());
    }

    private static void assertReason(ThrowingCall call, DeadLetterReason expected) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown)
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected));
    }

    /** Removes {@code "field":value,} from the single-line README example. */
    private static String withoutField(String json, String field) {
        String result = json.replaceAll("\"" + field + "\":(\\{[^}]*\\}|[^,{}]*),?", "");
        result = result.replace(",}", "}");
        assertThat(result).doesNotContain("\"" + field + "\"");
        return result;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTripThroughJavaSerialization(T object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
