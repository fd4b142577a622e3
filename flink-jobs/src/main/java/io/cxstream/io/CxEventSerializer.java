package io.cxstream.io;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;

import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.Objects;

/**
 * Serializes a {@link CxEvent} across the keyBy to the journey: one byte for which record it carries,
 * the customer id, the event time, then that record's Avro binary (Flink's {@link AvroSerializer}).
 *
 * <p>In place of Flink's POJO serializer, which creates all three Avro records (by reflection) for
 * every event it reads before it overwrites two of them with null: on the journey's thread, the
 * job's bottleneck, that was a third of the cost of reading an event off the network
 * (docs/performance.md). Only on the wire: no state holds a {@code CxEvent}.
 */
public final class CxEventSerializer extends TypeSerializer<CxEvent> {
    private static final long serialVersionUID = 1L;

    private static final byte INTERACTION = 0;
    private static final byte FEEDBACK = 1;
    private static final byte CONSENT = 2;
    private static final byte NONE = 3;

    private final TypeSerializer<InteractionEvent> interactions;
    private final TypeSerializer<FeedbackEvent> feedback;
    private final TypeSerializer<ConsentEvent> consents;

    public CxEventSerializer() {
        this(
                new AvroSerializer<>(InteractionEvent.class),
                new AvroSerializer<>(FeedbackEvent.class),
                new AvroSerializer<>(ConsentEvent.class));
    }

    CxEventSerializer(
            TypeSerializer<InteractionEvent> interactions,
            TypeSerializer<FeedbackEvent> feedback,
            TypeSerializer<ConsentEvent> consents) {
        this.interactions = interactions;
        this.feedback = feedback;
        this.consents = consents;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<CxEvent> duplicate() {
        return new CxEventSerializer(interactions.duplicate(), feedback.duplicate(), consents.duplicate());
    }

    @Override
    public CxEvent createInstance() {
        return new CxEvent();
    }

    @Override
    public CxEvent copy(CxEvent from) {
        CxEvent c = new CxEvent();
        c.customerId = from.customerId;
        c.eventTime = from.eventTime;
        c.interaction = from.interaction != null ? interactions.copy(from.interaction) : null;
        c.feedback = from.feedback != null ? feedback.copy(from.feedback) : null;
        c.consent = from.consent != null ? consents.copy(from.consent) : null;
        return c;
    }

    @Override
    public CxEvent copy(CxEvent from, CxEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(CxEvent e, DataOutputView out) throws IOException {
        byte kind = e.interaction != null
                ? INTERACTION
                : e.feedback != null ? FEEDBACK : e.consent != null ? CONSENT : NONE;
        out.writeByte(kind);
        StringValue.writeString(e.customerId, out);
        out.writeLong(e.eventTime);
        switch (kind) {
            case INTERACTION:
                interactions.serialize(e.interaction, out);
                break;
            case FEEDBACK:
                feedback.serialize(e.feedback, out);
                break;
            case CONSENT:
                consents.serialize(e.consent, out);
                break;
            default:
                break;
        }
    }

    @Override
    public CxEvent deserialize(DataInputView in) throws IOException {
        byte kind = in.readByte();
        if (kind < INTERACTION || kind > NONE) {
            throw new IOException("not a CxEvent: record kind " + kind);
        }
        CxEvent e = new CxEvent();
        e.customerId = StringValue.readString(in);
        e.eventTime = in.readLong();
        switch (kind) {
            case INTERACTION:
                e.interaction = interactions.deserialize(in);
                break;
            case FEEDBACK:
                e.feedback = feedback.deserialize(in);
                break;
            case CONSENT:
                e.consent = consents.deserialize(in);
                break;
            default:
                break;
        }
        return e;
    }

    @Override
    public CxEvent deserialize(CxEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CxEventSerializer)) {
            return false;
        }
        CxEventSerializer other = (CxEventSerializer) o;
        return interactions.equals(other.interactions)
                && feedback.equals(other.feedback)
                && consents.equals(other.consents);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interactions, feedback, consents);
    }

    @Override
    public TypeSerializerSnapshot<CxEvent> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** The three records' Avro serializers (and their schemas) are the configuration. */
    public static final class Snapshot extends CompositeTypeSerializerSnapshot<CxEvent, CxEventSerializer> {
        public Snapshot() {}

        Snapshot(CxEventSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return 1;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(CxEventSerializer s) {
            return new TypeSerializer<?>[] {s.interactions, s.feedback, s.consents};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected CxEventSerializer createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new CxEventSerializer(
                    (TypeSerializer<InteractionEvent>) nested[0],
                    (TypeSerializer<FeedbackEvent>) nested[1],
                    (TypeSerializer<ConsentEvent>) nested[2]);
        }
    }
}
