package io.cxstream.detect;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * flink-cep's {@link CepOperator} (event time), plus the right to be forgotten: an erasure marker
 * ({@link JourneyEvent#erasure}) is never fed to the NFA; instead it removes everything the operator
 * holds for that customer — NFA state (partial and completed matches), the queue of events waiting
 * for the watermark, the shared buffer's events, nodes and event counters — and deletes the
 * customer's pending CEP timers. A pattern half-seen before the erasure can therefore never
 * complete with pre-erasure events, and a savepoint taken afterwards holds nothing of the customer.
 * It then emits an erasure marker of its own (e.g. {@link Trigger#erasureMarker}), after every output it
 * built from the customer's earlier events, so the outreach decision can tell those apart from what
 * follows.
 *
 * <p>Why a subclass: flink-cep offers no API to drop a key's state, and a plain CEP operator keeps a
 * partial match (with the customer's events) until its {@code within} window expires. CepOperator
 * keeps its state handles private but creates them through the keyed state store by name; asking
 * the store again for the same names ({@link CepState}) returns the same states, so clearing them
 * here is clearing the operator's own state. The shared buffer's caches are flushed and emptied
 * whenever CepOperator closes its buffer accessor, which it does before {@code processElement}
 * returns, so between records there is nothing cached that could write an erased entry back.
 * Likewise {@code getInternalTimerService} with CepOperator's timer service name returns its
 * (already started) service. Timers deleted: one per buffered timestamp and one per live partial
 * match at its start plus the window, the two kinds CepOperator registers in event time. A window
 * timer of a partial match that already ended cannot be found (it carries only the key and a time,
 * no event); it fires within the window, finds no state and writes none.
 *
 * @param <OUT> the match function's output
 */
public class ErasingCepOperator<OUT> extends CepOperator<JourneyEvent, String, OUT> {
    private static final long serialVersionUID = 1L;

    /** CepOperator's timer service name (flink-cep 2.2). */
    static final String TIMER_SERVICE = "watermark-callbacks";
    static final String ERASURES_METRIC = "cepErasures";

    private final TypeSerializer<JourneyEvent> inputSerializer;
    private final long windowMillis;
    private final SerializableFunction<JourneyEvent, OUT> erasureMarker;

    private transient ValueState<NFAState> nfaState;
    private transient MapState<Long, List<JourneyEvent>> elementQueue;
    private transient MapState<?, ?> sharedBufferEvents;
    private transient MapState<?, ?> sharedBufferEntries;
    private transient MapState<Long, Integer> sharedBufferEventCounts;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Counter erasures;

    /**
     * @param inputSerializer serializer of the input, as the CEP operator would create it
     * @param nfaFactory the compiled pattern
     * @param afterMatchSkipStrategy the pattern's skip strategy
     * @param windowMillis the pattern's {@code within}, in millis (the window timer's offset)
     * @param function turns matches into output
     * @param erasureMarker the output that tells downstream the customer of a journey erasure marker is forgotten
     */
    public ErasingCepOperator(TypeSerializer<JourneyEvent> inputSerializer, NFACompiler.NFAFactory<JourneyEvent> nfaFactory,
                              AfterMatchSkipStrategy afterMatchSkipStrategy, long windowMillis,
                              PatternProcessFunction<JourneyEvent, OUT> function,
                              SerializableFunction<JourneyEvent, OUT> erasureMarker) {
        super(inputSerializer, false, nfaFactory, null, afterMatchSkipStrategy, function, null);
        this.inputSerializer = inputSerializer;
        this.windowMillis = windowMillis;
        this.erasureMarker = erasureMarker;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        KeyedStateStore store = context.getKeyedStateStore();
        nfaState = store.getState(CepState.nfaState());
        elementQueue = store.getMapState(CepState.elementQueue(inputSerializer));
        sharedBufferEvents = store.getMapState(CepState.sharedBufferEvents(inputSerializer));
        sharedBufferEntries = store.getMapState(CepState.sharedBufferEntries());
        sharedBufferEventCounts = store.getMapState(CepState.sharedBufferEventCounts());
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService(TIMER_SERVICE, VoidNamespaceSerializer.INSTANCE, this);
        erasures = getMetricGroup().counter(ERASURES_METRIC);
    }

    @Override
    public void processElement(StreamRecord<JourneyEvent> element) throws Exception {
        if (element.getValue().erasure) {
            eraseCurrentKey();
            OUT marker = erasureMarker.apply(element.getValue());
            output.collect(element.hasTimestamp() ? new StreamRecord<>(marker, element.getTimestamp()) : new StreamRecord<>(marker));
        } else {
            super.processElement(element);
        }
    }

    /** Removes all CEP state and pending timers of the current key (the customer to forget). */
    void eraseCurrentKey() throws Exception {
        List<Long> timerTimes = new ArrayList<>();
        for (Long timestamp : elementQueue.keys()) {
            timerTimes.add(timestamp);
        }
        NFAState nfa = nfaState.value();
        if (nfa != null) {
            addWindowTimers(nfa.getPartialMatches(), timerTimes);
            addWindowTimers(nfa.getCompletedMatches(), timerTimes);
        }
        for (long time : timerTimes) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, time);
        }
        nfaState.clear();
        elementQueue.clear();
        sharedBufferEvents.clear();
        sharedBufferEntries.clear();
        sharedBufferEventCounts.clear();
        erasures.inc();
    }

    private void addWindowTimers(Iterable<ComputationState> matches, List<Long> times) {
        if (windowMillis <= 0) {
            return;
        }
        for (ComputationState match : matches) {
            if (match.getStartTimestamp() >= 0) {
                times.add(match.getStartTimestamp() + windowMillis);
            }
        }
    }
}
