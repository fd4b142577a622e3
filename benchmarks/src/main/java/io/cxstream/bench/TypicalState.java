package io.cxstream.bench;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.generator.CustomerSimulator;
import io.cxstream.generator.SimulatedEvent;
import io.cxstream.generator.SimulatorConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.io.PostVersionedIOReadableWritable;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.operators.InternalTimerServiceSerializationProxy;
import org.apache.flink.streaming.api.operators.InternalTimersSnapshot;
import org.apache.flink.streaming.api.operators.InternalTimersSnapshotReaderWriters;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The {@code typical} state profile of {@link StateScale} (issue 10: "state per customer for a typical journey
 * through every operator, with the heap-timer count").
 * <ul>
 *   <li><b>Load.</b> The project's generator ({@link CustomerSimulator}, default seed and persona mix, customer ids
 *       {@code [0, N)}) runs until N journeys have ended; every event of those journeys is sent (in-flight journeys
 *       at the end are sent up to where they are). Event time is that of the throughput backlog: 200 events per second
 *       of event time, ending now ({@link BacklogClock}). Customers are drawn at random when a journey
 *       starts, so some get two journeys and some none: sizes are divided by the <em>customers with state</em>
 *       (distinct ids sent), which is reported with the journeys.
 *   <li><b>State per operator and state.</b> RocksDB's native {@code estimate-live-data-size} and
 *       {@code total-sst-files-size} per column family (the column family is the state's name): {@code journey/journey}
 *       (the JourneyState), {@code journey/rules} (RuleState, same operator), {@code outreach-decision/decision}
 *       (DecisionState: held findings, cooldowns), {@code /consent-history}; every column family found is reported.
 *   <li><b>Heap timers.</b> The job keeps timers on the heap (the rule engine's and the lifecycle's timers more than a
 *       minute past the watermark wait in the {@code far-timers} column family instead, reported with the states
 *       above, {@code FarTimers}); with RocksDB heap timers are written into each checkpoint as
 *       raw keyed state, per key group, in Flink's timer snapshot format. After the job is cancelled the harness opens
 *       the last retained checkpoint's {@code _metadata} ({@link Checkpoints#loadCheckpointMetadata}) and reads every
 *       operator's raw keyed state with Flink's own timer snapshot reader: an exact count of event-time and
 *       processing-time timers per operator (uid), and their bytes. No job code is involved.
 * </ul>
 */
final class TypicalState {
    /** Uids of the job's operators (CxJob): to name the operator ids found in a checkpoint. */
    static final List<String> UIDS = List.of(
            "kafka-input",
            "route-input",
            "rules-input",
            "journey",
            "voc-gauges",
            "outreach-decision",
            "rule-status-sink",
            "outreach-sink",
            "deadletter-sink");

    private TypicalState() {}

    /** What a typical-profile preload sent. */
    record Sent(long events, long journeys, long customersWithState, Map<String, Long> journeysByPersona) {}

    /**
     * Sends the events of {@code journeys} generated journeys over {@code customers} ids to {@code topics}, as fast as
     * the producer goes, in event-time order (ordered, non-idempotent producer, as the minimal profile).
     */
    static Sent preload(BenchMain bench, String bootstrap, TopicNames topics, long customers, long journeys)
            throws InterruptedException {
        CustomerSimulator sim = new CustomerSimulator(
                SimulatorConfig.builder().customers(customers).build());
        SyntheticLoadConfig loadConfig = SyntheticLoadConfig.builder(bootstrap)
                .producerProperty("enable.idempotence", "false")
                .producerProperty("max.in.flight.requests.per.connection", "1")
                .producerProperty("batch.size", Integer.toString(256 * 1024))
                .producerProperty("linger.ms", "20")
                .build();
        WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
        WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);
        WireCodec<ConsentEvent> consents = WireCodec.of(ConsentEvent.class);
        // a first pass only counts the events, so that event time can end now, as in the throughput backlog
        long events = eventsFor(customers, journeys);
        BacklogClock clock = new BacklogClock(System.currentTimeMillis(), events);
        BitSet seen = new BitSet();
        AtomicLong failed = new AtomicLong();
        long ended = 0;
        long t0 = System.nanoTime();
        long lastLog = t0;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(SyntheticLoad.producerProperties(loadConfig))) {
            for (long i = 0; i < events; i++) {
                long time = clock.millis();
                SimulatedEvent e = sim.next(time);
                seen.set(index(e.customerId()));
                if (e.lastOfJourney()) {
                    ended++;
                }
                byte[] value = switch (e.kind()) {
                    case INTERACTION -> interactions.encode(e.interaction(), WireFormat.AVRO);
                    case FEEDBACK -> feedback.encode(e.feedback(), WireFormat.AVRO);
                    case CONSENT -> consents.encode(e.consent(), WireFormat.AVRO);
                };
                producer.send(new ProducerRecord<>(e.topic(topics), null, time, e.customerId(), value), (md, ex) -> {
                    if (ex != null) {
                        failed.incrementAndGet();
                    }
                });
                if ((i & 0xFFF) == 0 && System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(5)) {
                    lastLog = System.nanoTime();
                    bench.log(
                            "state (typical) %,d customers: preloaded %,d of %,d events (%,.0f events/s)",
                            customers, i, events, i / BenchMain.seconds(t0));
                }
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException("state: " + failed.get() + " of " + events + " preload events failed");
        }
        Map<String, Long> byPersona = new TreeMap<>();
        sim.journeysByPersona().forEach((p, n) -> byPersona.put(p.name(), n));
        bench.log(
                "state (typical) %,d customers: preloaded %,d events (%,d journeys ended, %,d customers with state) in %.1f s",
                customers, events, ended, seen.cardinality(), BenchMain.seconds(t0));
        return new Sent(events, sim.journeysStarted(), seen.cardinality(), byPersona);
    }

    /** Events the generator sends until {@code journeys} journeys have ended (a dry run: deterministic for the seed). */
    static long eventsFor(long customers, long journeys) {
        CustomerSimulator sim = new CustomerSimulator(
                SimulatorConfig.builder().customers(customers).build());
        long ended = 0;
        long events = 0;
        while (ended < journeys) {
            if (sim.next(events++).lastOfJourney()) {
                ended++;
            }
        }
        return events;
    }

    private static int index(String customerId) {
        int i = customerId.length();
        while (i > 0 && Character.isDigit(customerId.charAt(i - 1))) {
            i--;
        }
        return Integer.parseInt(customerId.substring(i));
    }

    /** Bytes per customer of each state ({@code operator/state}) and of the total. */
    static Map<String, Double> perCustomer(Map<String, Long> bytes, long customers) {
        Map<String, Double> m = new TreeMap<>();
        bytes.forEach((k, v) -> m.put(k, BenchMain.round((double) v / customers, 1)));
        return m;
    }

    /** The operator id Flink derives from a uid (StreamGraphHasherV2: murmur3_128, seed 0, of the uid). */
    static OperatorID operatorId(String uid) {
        return new OperatorID(Hashing.murmur3_128(0)
                .newHasher()
                .putString(uid, StandardCharsets.UTF_8)
                .hash()
                .asBytes());
    }

    /** The newest {@code chk-N} directory with a {@code _metadata} under a job's checkpoint directory, if any. */
    static Optional<Path> latestCheckpoint(Path checkpointDir) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        try (Stream<Path> paths = Files.walk(checkpointDir, 2)) {
            return paths.filter(
                            p -> p.getFileName().toString().matches("chk-\\d+") && Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingLong(
                            p -> Long.parseLong(p.getFileName().toString().substring(4))));
        }
    }

    /**
     * Heap timers per operator (uid, or the operator id if it is not one of {@link #UIDS}) in a retained checkpoint:
     * {@code event_time_timers}, {@code processing_time_timers}, {@code raw_keyed_state_bytes}; plus {@code checkpoint}.
     */
    static Map<String, Object> heapTimers(Path checkpoint) throws IOException {
        Map<OperatorID, String> names = new LinkedHashMap<>();
        for (String uid : UIDS) {
            names.put(operatorId(uid), uid);
        }
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(checkpoint.resolve("_metadata")))) {
            metadata = Checkpoints.loadCheckpointMetadata(
                    in, TypicalState.class.getClassLoader(), checkpoint.toUri().toString());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("checkpoint", checkpoint.getFileName().toString());
        long total = 0;
        for (OperatorState op : metadata.getOperatorStates()) {
            long eventTime = 0;
            long processingTime = 0;
            long bytes = 0;
            for (OperatorSubtaskState subtask : op.getStates()) {
                for (KeyedStateHandle handle : subtask.getRawKeyedState()) {
                    if (!(handle instanceof KeyGroupsStateHandle groups)) {
                        continue;
                    }
                    bytes += groups.getStateSize();
                    try (FSDataInputStream in = groups.openInputStream()) {
                        for (int keyGroup : groups.getKeyGroupRange()) {
                            in.seek(groups.getOffsetForKeyGroup(keyGroup));
                            TimerCount count = new TimerCount();
                            count.read(in); // reads one key group; does not close the stream
                            eventTime += count.eventTime;
                            processingTime += count.processingTime;
                        }
                    }
                }
            }
            if (bytes == 0) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event_time_timers", eventTime);
            m.put("processing_time_timers", processingTime);
            m.put("raw_keyed_state_bytes", bytes);
            result.put(names.getOrDefault(op.getOperatorID(), op.getOperatorID().toHexString()), m);
            total += eventTime + processingTime;
        }
        result.put("total_timers", total);
        return result;
    }

    /**
     * Reads one key group of timers as {@link InternalTimerServiceSerializationProxy} wrote it (a versioned header,
     * the number of timer services, then per service its name and Flink's timer snapshot) and counts them.
     */
    static final class TimerCount extends PostVersionedIOReadableWritable {
        long eventTime;
        long processingTime;

        @Override
        public int getVersion() {
            return InternalTimerServiceSerializationProxy.VERSION;
        }

        @Override
        public int[] getCompatibleVersions() {
            return new int[] {InternalTimerServiceSerializationProxy.VERSION, 1};
        }

        @Override
        protected void read(DataInputView in, boolean wasVersioned) throws IOException {
            int services = in.readInt();
            for (int i = 0; i < services; i++) {
                in.readUTF(); // the timer service's name ("user-timers", ...)
                InternalTimersSnapshot<?, ?> snapshot = InternalTimersSnapshotReaderWriters.getReaderForVersion(
                                wasVersioned ? getReadVersion() : InternalTimersSnapshotReaderWriters.NO_VERSION,
                                TypicalState.class.getClassLoader())
                        .readTimersSnapshot(in);
                eventTime += snapshot.getEventTimeTimers().size();
                processingTime += snapshot.getProcessingTimeTimers().size();
            }
        }

        @Override
        public void write(DataOutputView out) {
            throw new UnsupportedOperationException("read only");
        }
    }
}
