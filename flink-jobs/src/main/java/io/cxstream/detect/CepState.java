package io.cxstream.detect;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.sharedbuffer.EventId;
import org.apache.flink.cep.nfa.sharedbuffer.Lockable;
import org.apache.flink.cep.nfa.sharedbuffer.NodeId;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferNode;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferNodeSerializer;

import java.util.List;

/**
 * The keyed states a flink-cep {@code CepOperator} keeps per key, described with the names and
 * serializers flink-cep 2.2 uses ({@code CepOperator}: NFA state and element queue;
 * {@code SharedBuffer}: events, entries and per-timestamp event counters). flink-cep keeps its
 * descriptors private, so they are repeated here, once: {@link ErasingCepOperator} uses them to
 * clear a customer's CEP state, and tests use them to read savepoints. A flink-cep upgrade that
 * renames a state makes {@code ErasureITCase} fail, which is the point.
 */
public final class CepState {
    private CepState() {}

    public static final String NFA_STATE = "nfaStateName";
    public static final String ELEMENT_QUEUE = "eventQueuesStateName";
    public static final String SHARED_BUFFER_EVENTS = "sharedBuffer-events";
    public static final String SHARED_BUFFER_ENTRIES = "sharedBuffer-entries-with-lockable-edges";
    public static final String SHARED_BUFFER_EVENT_COUNTS = "sharedBuffer-events-count";

    /** The NFA's partial and completed matches (pointers into the shared buffer). */
    public static ValueStateDescriptor<NFAState> nfaState() {
        return new ValueStateDescriptor<>(NFA_STATE, new NFAStateSerializer());
    }

    /** Events buffered until the watermark passes them, by timestamp. */
    public static <IN> MapStateDescriptor<Long, List<IN>> elementQueue(TypeSerializer<IN> inputSerializer) {
        return new MapStateDescriptor<>(ELEMENT_QUEUE, LongSerializer.INSTANCE, new ListSerializer<>(inputSerializer));
    }

    /** The events that partial matches refer to. */
    public static <IN> MapStateDescriptor<EventId, Lockable<IN>> sharedBufferEvents(TypeSerializer<IN> inputSerializer) {
        return new MapStateDescriptor<>(SHARED_BUFFER_EVENTS, EventId.EventIdSerializer.INSTANCE,
                new Lockable.LockableTypeSerializer<>(inputSerializer));
    }

    /** The shared buffer's nodes: which event follows which in a partial match. */
    public static MapStateDescriptor<NodeId, Lockable<SharedBufferNode>> sharedBufferEntries() {
        return new MapStateDescriptor<>(SHARED_BUFFER_ENTRIES, new NodeId.NodeIdSerializer(),
                new Lockable.LockableTypeSerializer<>(new SharedBufferNodeSerializer()));
    }

    /** How many events the shared buffer registered per timestamp (its event id counter). */
    public static MapStateDescriptor<Long, Integer> sharedBufferEventCounts() {
        return new MapStateDescriptor<>(SHARED_BUFFER_EVENT_COUNTS, LongSerializer.INSTANCE, IntSerializer.INSTANCE);
    }
}
