package io.cxstream.privacy;

import io.cxstream.CxJob;
import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.RuleState;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.journey.JourneyFunction;
import io.cxstream.outreach.OutreachDecisionFunction;
import io.cxstream.rules.RuleEngine;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.TestKafkaClient;
import io.cxstream.testing.WatermarkTicker;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.cxstream.testing.Events.consent;
import static io.cxstream.testing.Events.feedback;
import static io.cxstream.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The right to be forgotten, on the real job (MiniCluster, parallelism 2, RocksDB, real broker):
 * customers X and Y both have state in every keyed operator — journey, half-seen patterns of the
 * rules with memory (payment friction, repeat contact, error-then-abandon), consent, cooldown and triggers
 * waiting for the watermark in the outreach decision. X asks to be erased. A savepoint, read back with Flink's State Processor API
 * under the operators' own state names and serializers, holds nothing of X in any operator and
 * everything of Y, but X's tombstone (the erasure's time) in the journey. Resumed from that savepoint,
 * Y's half patterns complete as usual while X's former half patterns can no longer complete with
 * pre-erasure events, and X's events and consents stamped before the erasure that arrive only now (a
 * producer behind, a CRM re-sync) re-create nothing: no outreach from them.
 */
class ErasureITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String X = "erase-me";
    private static final String Y = "keep-me";
    /**
     * Probes prove, by their outreach, that the job has read what was sent before them on the same
     * Kafka partition (same record key): the pending answers, then the erasure.
     */
    private static final String PROBE_ANSWERS = "probe-answers";

    private static final String PROBE_ERASURE = "probe-erasure";
    /** Long enough that X's and Y's checkout errors are still pending when the savepoint is taken. */
    private static final Duration ABANDON_WINDOW = Duration.ofMinutes(5);
    /** Keyed state read from the savepoint: the journey operator's two values, and the decision's. */
    private static final String JOURNEY = "journey";

    private static final String RULES = "journey rules";
    private static final String DECISION = "outreach-decision";
    private static final String TOMBSTONE = "journey tombstone";

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    @TempDir
    Path savepoints;

    private final CxTopics topics = CX.topics();
    private final TestKafkaClient kafka = CX.kafka();
    private JobClient job;

    @Test
    void anErasedCustomerLeavesNoStateInAnyOperatorAndNoLaterOutreach() throws Exception {
        Map<String, String> settings = topics.jobSettings();
        settings.put("detect.abandonment.window", ABANDON_WINDOW.toMinutes() + " min");
        // Event time is what this test's events say: its later events (the tickers) move it minutes
        // ahead of the clock to decide what waits, which live mode's cap at the clock would not allow.
        settings.put("event-time.mode", "replay");
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        job = CX.cancelAfterTest(start(config, null));
        awaitConsuming(1);

        // ---- X and Y get state everywhere ----
        long t = System.currentTimeMillis();
        Map<String, InteractionEvent> firstFailure = new LinkedHashMap<>();
        for (String c : List.of(X, Y)) {
            kafka.send(
                    topics.consents, c, consent(c, t, ConsentAction.OPT_IN, ConsentPurpose.MARKETING), WireFormat.AVRO);
            InteractionEvent failure = interaction(c, t + 1, InteractionType.PAYMENT_FAILED, "checkout");
            firstFailure.put(c, failure);
            kafka.send(topics.interactions, c, failure, WireFormat.AVRO);
            kafka.send(
                    topics.interactions, c, interaction(c, t + 2, InteractionType.ERROR, "checkout"), WireFormat.AVRO);
            kafka.send(
                    topics.interactions,
                    c,
                    interaction(c, t + 3, InteractionType.SUPPORT_CONTACT, "support"),
                    WireFormat.AVRO);
            kafka.send(topics.feedback, c, feedback(c, t + 4, FeedbackMetric.NPS, 1), WireFormat.AVRO);
            kafka.send(topics.feedback, c, feedback(c, t + 5, FeedbackMetric.NPS, 10), WireFormat.AVRO);
        }
        long erasedAt;
        try (WatermarkTicker ticker = new WatermarkTicker(kafka, topics.interactions, 200)) {
            // Outreach for both answers of both customers: everything before them has been processed.
            kafka.readUntil(
                    topics.contactCenter,
                    OutreachEvent.class,
                    TIMEOUT,
                    seen -> keys(seen).containsAll(Set.of(X + "/DETRACTOR", Y + "/DETRACTOR")));
            kafka.readUntil(
                    topics.marketing,
                    OutreachEvent.class,
                    TIMEOUT,
                    seen -> keys(seen).containsAll(Set.of(X + "/PROMOTER", Y + "/PROMOTER")));

            // Answers stamped two minutes ahead: their triggers wait in the decision for the watermark.
            long now = System.currentTimeMillis();
            for (String c : List.of(X, Y)) {
                kafka.send(
                        topics.feedback,
                        PROBE_ANSWERS,
                        feedback(c, now + 120_000, FeedbackMetric.NPS, 0),
                        WireFormat.AVRO);
                kafka.send(
                        topics.feedback,
                        PROBE_ANSWERS,
                        feedback(c, now + 120_001, FeedbackMetric.NPS, 10),
                        WireFormat.AVRO);
            }
            probe(PROBE_ANSWERS, PROBE_ANSWERS, now);

            // ---- X asks to be forgotten ----
            erasedAt = System.currentTimeMillis();
            kafka.send(
                    topics.consents, X, consent(X, erasedAt, ConsentAction.ERASE, ConsentPurpose.ALL), WireFormat.AVRO);
            probe(PROBE_ERASURE, X, erasedAt);
        }
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        // ---- the savepoint: X nowhere, Y everywhere ----
        Map<String, Set<String>> customersByOperator = customersWithState(savepoint, config);
        assertThat(customersByOperator.remove(TOMBSTONE))
                .as("tombstones: X's erasure time, nothing else")
                .containsExactly(X);
        assertThat(customersByOperator.keySet()).containsExactlyInAnyOrder(JOURNEY, RULES, DECISION);
        List<String> deadLetters =
                kafka.readUntil(topics.deadLetter, DeadLetter.class, Duration.ofSeconds(1), seen -> false).stream()
                        .map(d -> d.getReason() + ": " + d.getDetail())
                        .collect(Collectors.toList());
        assertThat(customersByOperator)
                .allSatisfy((uid, customers) -> assertThat(customers)
                        .as("customers with state in %s (dead letters: %s)", uid, deadLetters)
                        .contains(Y)
                        .doesNotContain(X));
        assertThat(customersByOperator.get(DECISION))
                .as("the probes' consents are there too")
                .contains(PROBE_ANSWERS, PROBE_ERASURE);

        // ---- resumed: X's former half patterns cannot complete, Y's do ----
        job = CX.cancelAfterTest(start(config, savepoint));
        awaitConsuming(2);
        // X's answer and marketing opt-in from before the erasure, arriving only now (sent first, so not late):
        // dropped by the tombstone. Before it, the answer gave X a second detractor outreach (X's cooldown
        // was erased) and the opt-in a second promoter outreach for X's answer below.
        kafka.send(topics.feedback, X, feedback(X, erasedAt - 1_000, FeedbackMetric.NPS, 0), WireFormat.AVRO);
        kafka.send(
                topics.consents,
                X,
                consent(X, erasedAt - 1_000, ConsentAction.OPT_IN, ConsentPurpose.MARKETING),
                WireFormat.AVRO);
        long resumedAt = System.currentTimeMillis();
        kafka.send(topics.feedback, X, feedback(X, resumedAt, FeedbackMetric.NPS, 10), WireFormat.AVRO);
        Map<String, InteractionEvent> secondFailure = new LinkedHashMap<>();
        for (String c : List.of(X, Y)) {
            InteractionEvent failure = interaction(c, resumedAt, InteractionType.PAYMENT_FAILED, "checkout");
            secondFailure.put(c, failure);
            kafka.send(topics.interactions, c, failure, WireFormat.AVRO);
        }
        List<OutreachEvent> contactCenter;
        List<OutreachEvent> marketing;
        // Event time jumps past the abandonment window, so pending errors and failures are decided.
        try (AutoCloseable ticker = futureTicker(resumedAt + ABANDON_WINDOW.toMillis() + 60_000)) {
            // Anything for X would be decided by the same watermark as Y's; give it two more seconds to show.
            contactCenter = kafka.readUntil(
                    topics.contactCenter,
                    OutreachEvent.class,
                    TIMEOUT,
                    containsThenLingers(Set.of(
                            X + "/DETRACTOR", Y + "/DETRACTOR", Y + "/PAYMENT_FRICTION", Y + "/ERROR_THEN_ABANDON")));
            marketing = kafka.readUntil(
                    topics.marketing,
                    OutreachEvent.class,
                    TIMEOUT,
                    containsThenLingers(Set.of(
                            X + "/PROMOTER",
                            Y + "/PROMOTER",
                            PROBE_ANSWERS + "/PROMOTER",
                            PROBE_ERASURE + "/PROMOTER")));
        }

        // Y's queued answers are decided too, but fall in Y's cooldown; X's were erased, and X's cooldown
        // with them, so a surviving answer of X would show up here as a second outreach.
        assertThat(keys(contactCenter))
                .as("X's only contact-center outreach is the one from before the erasure")
                .containsExactlyInAnyOrder(
                        X + "/DETRACTOR", Y + "/DETRACTOR", Y + "/PAYMENT_FRICTION", Y + "/ERROR_THEN_ABANDON");
        assertThat(contactCenter).hasSize(4);
        assertThat(keys(marketing))
                .containsExactlyInAnyOrder(
                        X + "/PROMOTER", Y + "/PROMOTER", PROBE_ANSWERS + "/PROMOTER", PROBE_ERASURE + "/PROMOTER");
        assertThat(marketing).hasSize(4);
        OutreachEvent yFriction = contactCenter.stream()
                .filter(o -> o.getCustomerId().equals(Y) && o.getTrigger() == TriggerType.PAYMENT_FRICTION)
                .findFirst()
                .orElseThrow();
        assertThat(yFriction.getEvidence())
                .extracting(Evidence::getEventId)
                .as("Y's pattern spans the savepoint: its first half was kept")
                .containsExactly(
                        firstFailure.get(Y).getEventId(), secondFailure.get(Y).getEventId());
        Set<String> xPreErasureIds = Set.of(firstFailure.get(X).getEventId());
        assertThat(contactCenter)
                .filteredOn(o -> o.getCustomerId().equals(X))
                .allSatisfy(o -> assertThat(o.getTrigger()).isEqualTo(TriggerType.DETRACTOR))
                .flatExtracting(OutreachEvent::getEvidence)
                .extracting(Evidence::getEventId)
                .doesNotContainAnyElementsOf(xPreErasureIds);
    }

    /**
     * Waits until the job reads its input: it dead-letters an unreadable record without waiting for
     * event time. Only then are events sent, so the source reads them before the ticker's later events
     * (read after them, they would be behind the watermark, hence late).
     */
    private void awaitConsuming(int unreadableSoFar) {
        kafka.send(topics.interactions, "warm-up", "not a record".getBytes(StandardCharsets.UTF_8));
        List<DeadLetter> dead = kafka.readUntil(
                topics.deadLetter,
                DeadLetter.class,
                TIMEOUT,
                seen -> seen.stream()
                                .filter(d -> d.getReason() == DeadLetterReason.UNRECOGNIZED_FORMAT)
                                .count()
                        >= unreadableSoFar);
        assertThat(dead)
                .filteredOn(d -> d.getReason() == DeadLetterReason.UNRECOGNIZED_FORMAT)
                .hasSize(unreadableSoFar);
    }

    /** Done two seconds after the outreach seen so far first covers {@code expected}: time for extras to show. */
    private static Predicate<List<OutreachEvent>> containsThenLingers(Set<String> expected) {
        long[] coveredAt = {0};
        return seen -> {
            if (!keys(seen).containsAll(expected)) {
                return false;
            }
            if (coveredAt[0] == 0) {
                coveredAt[0] = System.nanoTime();
            }
            return System.nanoTime() - coveredAt[0] >= Duration.ofSeconds(2).toNanos();
        };
    }

    /** Opts {@code probe} in to marketing (record key {@code key}) and waits for its promoter outreach. */
    private void probe(String probe, String key, long time) {
        kafka.send(
                topics.consents,
                key,
                consent(probe, time, ConsentAction.OPT_IN, ConsentPurpose.MARKETING),
                WireFormat.AVRO);
        kafka.send(topics.feedback, key, feedback(probe, time + 100, FeedbackMetric.NPS, 10), WireFormat.AVRO);
        kafka.readUntil(
                topics.marketing,
                OutreachEvent.class,
                TIMEOUT,
                seen -> keys(seen).contains(probe + "/PROMOTER"));
    }

    private static JobClient start(CxConfig config, String savepoint) throws Exception {
        Configuration conf = CxJob.flinkConfiguration(config);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        CxJob.onKafka(config).build(env);
        return env.executeAsync(savepoint == null ? "cx-stream-erasure" : "cx-stream-erasure-resumed");
    }

    /** Sends a filler page view stamped {@code eventTime} (and on) every 200 ms, starting after the test's own events. */
    private AutoCloseable futureTicker(long eventTime) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        long[] next = {eventTime};
        executor.scheduleAtFixedRate(
                () -> kafka.send(
                        topics.interactions,
                        WatermarkTicker.FILLER_CUSTOMER,
                        Events.interaction(
                                WatermarkTicker.FILLER_CUSTOMER, next[0] += 200, InteractionType.PAGE_VIEW, "home"),
                        WireFormat.AVRO),
                1000,
                200,
                TimeUnit.MILLISECONDS);
        return () -> {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        };
    }

    /** For every keyed operator: the customers that have any state in it, read from the savepoint. */
    private static Map<String, Set<String>> customersWithState(String savepoint, CxConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        SavepointReader reader = SavepointReader.read(env, savepoint, new HashMapStateBackend());

        Map<String, List<StateDescriptor<?, ?>>> states = new LinkedHashMap<>();
        // The rule engine's progress is part of the journey's value (and its earlier state must be empty): the
        // journey's reader reports both, as JOURNEY and RULES.
        states.put(
                JOURNEY,
                List.of(
                        JourneyFunction.journeyDescriptor(config.stateTtl),
                        RuleEngine.legacyStateDescriptor(config.stateTtl)));
        states.put(TOMBSTONE, List.of(JourneyFunction.erasedDescriptor(config.maxEventAge.plus(config.maxFutureSkew))));
        states.put(
                DECISION,
                List.of(
                        OutreachDecisionFunction.decisionDescriptor(config.rulesMaxWindow, config.stateTtl),
                        OutreachDecisionFunction.consentDescriptor()));
        DataStream<String> all = null;
        for (Map.Entry<String, List<StateDescriptor<?, ?>>> e : states.entrySet()) {
            // the tombstones are in the journey operator
            String uid = e.getKey().equals(TOMBSTONE) ? JOURNEY : e.getKey();
            DataStream<String> one = reader.readKeyedState(
                    OperatorIdentifier.forUid(uid),
                    new CustomersWithState(e.getKey(), e.getValue()),
                    Types.STRING,
                    Types.STRING);
            all = all == null ? one : all.union(one);
        }
        Map<String, Set<String>> result = new TreeMap<>();
        states.keySet().forEach(uid -> result.put(uid, new TreeSet<>()));
        result.put(RULES, new TreeSet<>());
        // Rows go to a set in this JVM (the MiniCluster runs here), not through the collect sink:
        // a retried batch task then only re-adds rows, it cannot lose any.
        RowSink.ROWS.clear();
        all.sinkTo(new RowSink()).name("rows");
        env.execute("read-savepoint");
        for (String row : RowSink.ROWS) {
            String[] parts = row.split("\\|", 2);
            result.get(parts[0]).add(parts[1]);
        }
        return result;
    }

    /** Adds every row to {@link #ROWS}. */
    static final class RowSink implements Sink<String> {
        private static final long serialVersionUID = 1L;
        static final Set<String> ROWS = ConcurrentHashMap.newKeySet();

        @Override
        public SinkWriter<String> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(String row, Context ctx) {
                    ROWS.add(row);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** Emits "label|customer" for each key that has a non-empty value in any of the given states. */
    static final class CustomersWithState extends KeyedStateReaderFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final String uid;
        private final List<StateDescriptor<?, ?>> descriptors;
        private transient List<ValueState<?>> values;
        private transient List<MapState<?, ?>> maps;

        CustomersWithState(String uid, List<StateDescriptor<?, ?>> descriptors) {
            this.uid = uid;
            this.descriptors = descriptors;
        }

        @Override
        public void open(OpenContext openContext) {
            values = new ArrayList<>();
            maps = new ArrayList<>();
            for (StateDescriptor<?, ?> d : descriptors) {
                if (d instanceof ValueStateDescriptor) {
                    values.add(getRuntimeContext().getState((ValueStateDescriptor<?>) d));
                } else {
                    maps.add(getRuntimeContext().getMapState((MapStateDescriptor<?, ?>) d));
                }
            }
        }

        @Override
        public void readKey(String customer, Context ctx, Collector<String> out) throws Exception {
            boolean any = false;
            boolean rules = false;
            for (ValueState<?> v : values) {
                Object value = v.value();
                if (value instanceof JourneyState) {
                    any = true;
                    rules |= ((JourneyState) value).getRules() != null;
                } else if (value instanceof RuleState) {
                    rules = true; // the rule state of the layout before (must be empty)
                } else {
                    any |= value != null;
                }
            }
            if (rules) {
                out.collect(RULES + "|" + customer);
            }
            for (MapState<?, ?> m : maps) {
                any |= !m.isEmpty();
            }
            if (any) {
                out.collect(uid + "|" + customer);
            }
        }
    }

    static Set<String> keys(List<OutreachEvent> outreach) {
        return outreach.stream()
                .map(o -> o.getCustomerId() + "/" + o.getTrigger())
                .collect(Collectors.toSet());
    }
}
