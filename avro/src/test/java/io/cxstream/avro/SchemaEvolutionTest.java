package io.cxstream.avro;

import io.cxstream.avro.wire.SchemaHistory;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

import static io.cxstream.avro.AvroFixtures.EVENT_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every released version of an input schema stays readable by the current one, and the check
 * that says so can fail.
 */
class SchemaEvolutionTest {
    /** Where {@link SchemaHistory} keeps the earlier versions (its index entries are relative to it). */
    private static final String HISTORY_BASE = "/io/cxstream/avro/history/";

    private static final String GENERATED_PACKAGE = "io.cxstream.avro.";

    /** Marker (2 bytes) + fingerprint (8 bytes) before the Avro body of a single-object record. */
    private static final int SINGLE_OBJECT_HEADER_LENGTH = 10;

    /** A symbol that no current enum has, as a newer writer would append it. */
    private static final String NEWER_SYMBOL = "ADDED_IN_A_LATER_RELEASE";

    static Stream<Arguments> historyEntries() {
        List<String> index = SchemaHistory.index();
        assertThat(index).as("schema history index").isNotEmpty();
        return index.stream().map(entry -> Arguments.of(entry, SchemaHistory.load(HISTORY_BASE + entry)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("historyEntries")
    void currentSchemaReadsEveryPreviousVersion(String entry, Schema previous) {
        Schema current = currentSchemaFor(entry);

        assertReadable(current, previous);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("historyEntries")
    void previousVersionIsRegisteredUnderItsOwnFingerprint(String entry, Schema previous) {
        Schema current = currentSchemaFor(entry);

        assertThat(previous.getFullName()).isEqualTo(current.getFullName());
        assertThat(SchemaNormalization.parsingFingerprint64(previous))
                .as("a history entry identical on the wire to the current schema is useless")
                .isNotEqualTo(SchemaNormalization.parsingFingerprint64(current));
        assertThat(SchemaHistory.previousVersions(current.getName())).contains(previous);
    }

    @Test
    void historyHasNoDuplicatesAndNothingForUnknownRecords() {
        List<String> index = SchemaHistory.index();

        assertThat(new HashSet<>(index)).hasSameSizeAs(index);
        assertThat(SchemaHistory.previousVersions("NoSuchRecord")).isEmpty();
    }

    // ---- records written with the previous version -----------------------------------------------

    @Test
    void interactionWrittenWithV0DecodesWithDefaultsForNewFields() throws Exception {
        Schema v0 = onlyPreviousVersion("InteractionEvent");
        GenericRecord old = new GenericRecordBuilder(v0)
                .set("eventId", "e-old")
                .set("customerId", "c-0000001")
                .set("eventTime", EVENT_TIME.toEpochMilli())
                .set("channel", symbol(v0, "channel", "SOCIAL"))
                .set("touchpoint", "campaign")
                .set("type", symbol(v0, "type", "RETURN_REFUND"))
                .set("sessionId", "s-old")
                .build();

        InteractionEvent event = WireCodec.of(InteractionEvent.class).decode(writeSingleObject(old));

        assertThat(event.getEventId()).isEqualTo("e-old");
        assertThat(event.getCustomerId()).isEqualTo("c-0000001");
        assertThat(event.getEventTime()).isEqualTo(EVENT_TIME);
        assertThat(event.getChannel()).isEqualTo(Channel.SOCIAL);
        assertThat(event.getTouchpoint()).isEqualTo("campaign");
        assertThat(event.getType()).isEqualTo(InteractionType.RETURN_REFUND);
        assertThat(event.getSessionId()).isEqualTo("s-old");
        assertThat(event.getAgentId()).as("new field, default null").isNull();
        assertThat(event.getAttributes())
                .as("new field, default {}")
                .isNotNull()
                .isEmpty();
    }

    @Test
    void feedbackWrittenWithV0DecodesWithDefaultsForNewFields() throws Exception {
        Schema v0 = onlyPreviousVersion("FeedbackEvent");
        GenericRecord old = new GenericRecordBuilder(v0)
                .set("eventId", "e-old")
                .set("customerId", "c-0000002")
                .set("eventTime", EVENT_TIME.toEpochMilli())
                .set("channel", symbol(v0, "channel", "CALL_CENTER"))
                .set("touchpoint", "support")
                .set("metric", symbol(v0, "metric", "CES"))
                .set("score", 2)
                .set("comment", "too many transfers")
                .set("surveyId", "ces-support")
                .build();

        FeedbackEvent event = WireCodec.of(FeedbackEvent.class).decode(writeSingleObject(old));

        assertThat(event.getChannel()).isEqualTo(Channel.CALL_CENTER);
        assertThat(event.getMetric()).isEqualTo(FeedbackMetric.CES);
        assertThat(event.getScore()).isEqualTo(2);
        assertThat(event.getComment()).isEqualTo("too many transfers");
        assertThat(event.getSurveyId()).isEqualTo("ces-support");
        assertThat(event.getEventTime()).isEqualTo(EVENT_TIME);
        assertThat(event.getAgentId()).as("new field, default null").isNull();
    }

    @Test
    void consentWrittenWithV0DecodesWithDefaultsForNewFields() throws Exception {
        Schema v0 = onlyPreviousVersion("ConsentEvent");
        GenericRecord old = new GenericRecordBuilder(v0)
                .set("eventId", "e-old")
                .set("customerId", "c-0000003")
                .set("eventTime", EVENT_TIME.toEpochMilli())
                .set("action", symbol(v0, "action", "OPT_OUT"))
                .set("purpose", symbol(v0, "purpose", "SERVICE"))
                .build();

        ConsentEvent event = WireCodec.of(ConsentEvent.class).decode(writeSingleObject(old));

        assertThat(event.getAction()).isEqualTo(ConsentAction.OPT_OUT);
        assertThat(event.getPurpose()).isEqualTo(ConsentPurpose.SERVICE);
        assertThat(event.getChannel()).as("new field, default null").isNull();
        assertThat(event.getEventTime()).isEqualTo(EVENT_TIME);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("historyEntries")
    void everySymbolOfAPreviousEnumKeepsItsName(String entry, Schema previous) throws Exception {
        Schema current = currentSchemaFor(entry);
        for (Schema.Field field : previous.getFields()) {
            Schema enumSchema = enumOf(field.schema());
            if (enumSchema == null) {
                continue;
            }
            Schema currentEnum = enumOf(current.getField(field.name()).schema());
            assertThat(currentEnum.getEnumSymbols()).as(field.name()).containsAll(enumSchema.getEnumSymbols());
        }
    }

    // ---- outreach: consumers on the released schema read what rules emit now, and the reverse ------

    @Test
    void outreachOfARuleWithATriggerOfItsOwnIsReadableByTheReleasedSchema() throws Exception {
        Schema v1 = onlyPreviousVersion("OutreachEvent");
        OutreachEvent now = OutreachEvent.newBuilder(AvroFixtures.outreach())
                .setTrigger(TriggerType.UNKNOWN)
                .setTriggerName("TWO_LOW_CSAT")
                .setRuleId("two-low-csat")
                .setRuleVersion(3)
                .build();

        assertReadable(v1, OutreachEvent.getClassSchema());
        GenericRecord old = asGeneric(now, v1);
        assertThat(old.get("trigger")).hasToString("UNKNOWN");
        assertThat(old.get("customerId")).hasToString("c-0000042");
        assertThat(old.get("reason")).hasToString(now.getReason());
        assertThat(old.getSchema().getField("triggerName"))
                .as("v1 readers do not see the new fields")
                .isNull();
    }

    @Test
    void outreachWrittenWithTheReleasedSchemaDecodesWithNoRule() throws Exception {
        Schema v1 = onlyPreviousVersion("OutreachEvent");
        GenericRecord old = asGeneric(AvroFixtures.outreach(), v1);

        OutreachEvent read = WireCodec.of(OutreachEvent.class).decode(writeSingleObject(old));

        assertThat(read.getTrigger()).isEqualTo(TriggerType.DETRACTOR);
        assertThat(read.getTriggerName()).as("new field, default null").isNull();
        assertThat(read.getRuleId()).as("new field, default null").isNull();
        assertThat(read.getRuleVersion()).as("new field, default 0").isZero();
        assertThat(read.getEvidence()).hasSize(1);
    }

    // ---- negative controls: the compatibility check can fail -------------------------------------

    @Test
    void newRequiredFieldWithoutDefaultIsIncompatible() {
        Schema current = InteractionEvent.getClassSchema();
        Schema.Field tenant = new Schema.Field("tenant", Schema.create(Schema.Type.STRING), "made-up", (Object) null);
        List<Schema.Field> fields = new ArrayList<>(current.getFields());
        fields.add(tenant);
        Schema reader = withFields(current, fields);

        assertThat(compatibility(reader, current).getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThatThrownBy(() -> assertReadable(reader, current)).isInstanceOf(AssertionError.class);
    }

    @Test
    void changedFieldTypeIsIncompatible() {
        Schema current = FeedbackEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(
                    f.name().equals("score")
                            ? new Schema.Field(f.name(), Schema.create(Schema.Type.STRING), f.doc(), (Object) null)
                            : f);
        }
        Schema reader = withFields(current, fields);

        assertThatThrownBy(() -> assertReadable(reader, current)).isInstanceOf(AssertionError.class);
    }

    @Test
    void enumWithoutDefaultDoesNotReadUnknownSymbols() {
        Schema writer = Schema.createEnum("Channel", null, "io.cxstream.avro", List.of("WEB", "KIOSK"));
        Schema reader = Schema.createEnum("Channel", null, "io.cxstream.avro", List.of("WEB"));

        assertThatThrownBy(() -> assertReadable(reader, writer)).isInstanceOf(AssertionError.class);
    }

    // ---- a newer writer ---------------------------------------------------------------------------

    static Stream<Arguments> enumFieldsOfInputs() {
        return Stream.of(
                Arguments.of(AvroFixtures.interaction(), "channel"),
                Arguments.of(AvroFixtures.interaction(), "type"),
                Arguments.of(AvroFixtures.feedback(), "channel"),
                Arguments.of(AvroFixtures.feedback(), "metric"),
                Arguments.of(AvroFixtures.consent(), "action"),
                Arguments.of(AvroFixtures.consent(), "purpose"),
                Arguments.of(AvroFixtures.consent(), "channel"));
    }

    /**
     * A producer one release ahead appends a symbol; the current job reads it as the enum's
     * default, UNKNOWN (which the job then dead-letters or treats as unknown), instead of failing.
     */
    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("enumFieldsOfInputs")
    void unknownSymbolFromANewerWriterReadsAsUnknown(SpecificRecordBase fixture, String field) throws Exception {
        Schema current = fixture.getSchema();
        Schema currentEnum = enumOf(current.getField(field).schema());
        Schema newerEnum = withSymbolAppended(currentEnum, NEWER_SYMBOL);
        Schema newer = replaceNamedType(current, newerEnum);
        assertReadable(current, newer);

        GenericRecord written = asGeneric(fixture, newer);
        written.put(field, new GenericData.EnumSymbol(newerEnum, NEWER_SYMBOL));
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer)
                .encode(written)
                .array();

        BinaryMessageDecoder<SpecificRecordBase> decoder =
                new BinaryMessageDecoder<>(SpecificData.getForSchema(current), current);
        decoder.addSchema(newer);
        SpecificRecordBase read = decoder.decode(bytes);

        assertThat(read.get(field)).hasToString("UNKNOWN");
        assertThat(read.get("customerId")).isEqualTo(fixture.get("customerId"));
    }

    /**
     * The codec only knows the current and the earlier schemas: a record from a newer writer is
     * dead-lettered as UNKNOWN_SCHEMA until the job is upgraded (upgrade consumers first). In JSON
     * there is no writer schema at all, so a new symbol is simply not a symbol: UNDECODABLE.
     */
    @Test
    void codecRefusesANewerWriterItWasNotToldAbout() throws Exception {
        Schema current = InteractionEvent.getClassSchema();
        Schema newerChannel =
                withSymbolAppended(enumOf(current.getField("channel").schema()), NEWER_SYMBOL);
        Schema newer = replaceNamedType(current, newerChannel);
        GenericRecord written = asGeneric(AvroFixtures.interaction(), newer);
        written.put("channel", new GenericData.EnumSymbol(newerChannel, NEWER_SYMBOL));
        byte[] avro = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer)
                .encode(written)
                .array();
        byte[] json =
                AvroFixtures.utf8(WireCodecTest.README_INTERACTION_JSON.replace("\"WEB\"", "\"" + NEWER_SYMBOL + "\""));

        WireCodec<InteractionEvent> codec = WireCodec.of(InteractionEvent.class);

        assertThat(reasonOf(() -> codec.decode(avro))).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(reasonOf(() -> codec.decode(json))).isEqualTo(DeadLetterReason.UNDECODABLE);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static void assertReadable(Schema reader, Schema writer) {
        SchemaPairCompatibility result = compatibility(reader, writer);
        assertThat(result.getType())
                .as(
                        "%s reading %s: %s",
                        reader.getFullName(),
                        writer.getFullName(),
                        result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static SchemaPairCompatibility compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    }

    private static Schema currentSchemaFor(String entry) {
        String recordName = entry.substring(0, entry.indexOf('/'));
        try {
            Class<?> type = Class.forName(GENERATED_PACKAGE + recordName);
            return SpecificData.get().getSchema(type);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("history entry " + entry + " names no generated record", e);
        }
    }

    private static Schema onlyPreviousVersion(String recordName) {
        List<Schema> versions = SchemaHistory.previousVersions(recordName);
        assertThat(versions).as(recordName + " history").isNotEmpty();
        return versions.get(versions.size() - 1);
    }

    private static GenericData.EnumSymbol symbol(Schema record, String field, String symbol) {
        Schema enumSchema = enumOf(record.getField(field).schema());
        assertThat(enumSchema.getEnumSymbols()).contains(symbol);
        return new GenericData.EnumSymbol(enumSchema, symbol);
    }

    private static byte[] writeSingleObject(GenericRecord record) throws IOException {
        ByteBuffer buffer =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema()).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** The enum a field holds, directly or as a branch of a union; null if none. */
    private static Schema enumOf(Schema schema) {
        if (schema.getType() == Schema.Type.ENUM) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream()
                    .filter(s -> s.getType() == Schema.Type.ENUM)
                    .findFirst()
                    .orElse(null);
        }
        return null;
    }

    private static Schema withSymbolAppended(Schema enumSchema, String symbol) {
        List<String> symbols = new ArrayList<>(enumSchema.getEnumSymbols());
        symbols.add(symbol);
        return Schema.createEnum(
                enumSchema.getName(),
                enumSchema.getDoc(),
                enumSchema.getNamespace(),
                symbols,
                enumSchema.getEnumDefault());
    }

    /** The record with every use of the named type (directly or in a union) replaced. */
    private static Schema replaceNamedType(Schema record, Schema replacement) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(new Schema.Field(f, replaceIn(f.schema(), replacement)));
        }
        return withFields(record, fields);
    }

    private static Schema replaceIn(Schema schema, Schema replacement) {
        if (schema.getType() == Schema.Type.UNION) {
            return Schema.createUnion(schema.getTypes().stream()
                    .map(s -> replaceIn(s, replacement))
                    .toList());
        }
        if (schema.getType() == replacement.getType() && schema.getFullName().equals(replacement.getFullName())) {
            return replacement;
        }
        return schema;
    }

    /** A record of the same name with the given fields (copied: a field belongs to one record only). */
    private static Schema withFields(Schema record, List<Schema.Field> fields) {
        List<Schema.Field> copies =
                fields.stream().map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, copies);
    }

    /** The fixture as a generic record of another (compatible) schema, via Avro's own resolution. */
    private static GenericRecord asGeneric(SpecificRecordBase fixture, Schema target) throws IOException {
        Schema current = fixture.getSchema();
        @SuppressWarnings("unchecked")
        WireCodec<SpecificRecordBase> codec = WireCodec.of((Class<SpecificRecordBase>) fixture.getClass());
        byte[] singleObject = codec.encode(fixture, WireFormat.AVRO);
        byte[] body = Arrays.copyOfRange(singleObject, SINGLE_OBJECT_HEADER_LENGTH, singleObject.length);
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(current, target, GenericData.get());
        return reader.read(null, DecoderFactory.get().binaryDecoder(body, null));
    }

    private static DeadLetterReason reasonOf(ThrowingCall call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(WireFormatException.class);
        return ((WireFormatException) thrown).reason();
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
