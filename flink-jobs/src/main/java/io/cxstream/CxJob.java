package io.cxstream;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.config.CxConfig;
import io.cxstream.detect.Detector;
import io.cxstream.detect.DetectorOperator;
import io.cxstream.detect.Detectors;
import io.cxstream.detect.SingleEventFunction;
import io.cxstream.detect.Trigger;
import io.cxstream.io.CxEvent;
import io.cxstream.io.Decoded;
import io.cxstream.io.InputRouter;
import io.cxstream.io.KafkaIo;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyFunction;
import io.cxstream.outreach.OutreachDecisionFunction;
import io.cxstream.state.BoundedManifestOptionsFactory;
import io.cxstream.voc.VocPipeline;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The cx-stream job: Kafka in → per-customer journey → CEP detectors → outreach decision → Kafka out.
 *
 * <pre>
 *  cx.interactions ┐                    ┌─▶ detect-detractor, detect-promoter (one event: a map) ─┐
 *  cx.feedback     ├▶ route-input ─▶ journey ─▶ detect-payment-friction (CEP, one per sequence) ──┤
 *  cx.consents     ┘     │ bad           │  ─▶ detect-repeat-contact, detect-error-then-abandon  ┴▶ outreach-decision ─▶ cx.outreach.*
 *                        ▼               │ consents ───────────────────────▶ ┘
 *                   cx.deadletter ◀─── late events
 *                                   └─ feedback ─▶ voc-split ─▶ voc-cardinality ─▶ voc-aggregate ─▶ cx.voc, cx.voc.alerts (+ gauges)
 * </pre>
 *
 * <p>This class only wires sources, operators and sinks; every piece of logic is its own class.
 * Every stateful operator has a stable uid, so savepoints survive refactoring.
 */
public class CxJob {
    private static final Logger LOG = LoggerFactory.getLogger(CxJob.class);

    /** Managed memory (RocksDB block cache and write buffers) of a local MiniCluster's task manager. */
    static final MemorySize LOCAL_MANAGED_MEMORY = MemorySize.ofMebiBytes(512);

    private final CxConfig config;
    private final Source<Decoded, ?, ?> source;
    private final Sink<OutreachEvent> outreachSink;
    private final Sink<DeadLetter> deadLetterSink;
    private Sink<VocAggregate> vocAggregateSink;
    private Sink<VocTrendAlert> vocAlertSink;

    /** A job over the given source and sinks (tests pass their own). */
    public CxJob(CxConfig config, Source<Decoded, ?, ?> source, Sink<OutreachEvent> outreachSink,
                 Sink<DeadLetter> deadLetterSink) {
        this.config = config;
        this.source = source;
        this.outreachSink = outreachSink;
        this.deadLetterSink = deadLetterSink;
    }

    /** The production job: Kafka source and sinks as configured. */
    public static CxJob onKafka(CxConfig config) {
        return new CxJob(config, KafkaIo.source(config), KafkaIo.outreachSink(config), KafkaIo.deadLetterSink(config))
                .withVocSinks(KafkaIo.vocAggregateSink(config), KafkaIo.vocAlertSink(config));
    }

    /** Where the Voice-of-the-Customer aggregates and alerts go; without, they only feed the gauges. */
    public CxJob withVocSinks(Sink<VocAggregate> aggregates, Sink<VocTrendAlert> alerts) {
        this.vocAggregateSink = aggregates;
        this.vocAlertSink = alerts;
        return this;
    }

    public static void main(String[] args) throws Exception {
        CxConfig config = CxConfig.fromArgs(args, System.getenv());
        LOG.info("Starting cx-stream on {} (delivery {}, Kafka client properties set: {})",
                config.bootstrapServers, config.deliveryGuarantee, config.kafkaPropertyNames());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
        onKafka(config).execute(env);
    }

    /** Runs the job (blocking) on the given environment. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("cx-stream");
    }

    /**
     * The Flink settings the job needs: state backend, checkpointing, object reuse (no operator
     * mutates its input) and no silent Kryo fallback. They are applied to the job, on top of the
     * cluster's configuration.
     */
    public static Configuration flinkConfiguration(CxConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, config.stateBackend);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (config.checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir);
        }
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, config.watermarkInterval);
        // Timers on the heap (checkpointed with the keyed state): the CEP operators register one per
        // buffered event time; in RocksDB each would be a write, a delete and an iterator seek.
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        // Bloom filters spare point lookups (journey state, CEP's NFA state) a read of every SST file
        // that does not hold the key.
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // Without a cap the MANIFEST (uploaded whole by every incremental checkpoint) grows forever.
        conf.set(RocksDBOptions.OPTIONS_FACTORY, BoundedManifestOptionsFactory.class.getName());
        // Only read when the job starts its own MiniCluster (./cx demo, serve, bench): a cluster sizes
        // its task managers itself. Flink's local default (128 MiB) is shared by the RocksDB instances
        // of a slot (journey, the three CEP detectors, decision) and makes them flush constantly.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, LOCAL_MANAGED_MEMORY);
        return conf;
    }

    /** Wires sources → journey → detectors → decision → sinks on {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        if (config.parallelism > 0) {
            env.setParallelism(config.parallelism);
        }

        WatermarkStrategy<Decoded> watermarks = WatermarkStrategy
                .<Decoded>forBoundedOutOfOrderness(config.maxOutOfOrderness)
                .withTimestampAssigner((d, kafkaTimestamp) -> d.event != null ? d.event.eventTime : Long.MIN_VALUE)
                .withIdleness(config.idleness);

        SingleOutputStreamOperator<CxEvent> events = env
                .fromSource(source, watermarks, "kafka-input").uid("kafka-input")
                .process(new InputRouter()).uid("route-input").name("route-input");

        SingleOutputStreamOperator<JourneyEvent> journeys = events
                .keyBy(e -> e.customerId, Types.STRING)
                .process(new JourneyFunction(config.stateTtl, config.recentTouchpoints, Detectors.frictionWindow(config),
                        config.interactionsTopic, config.feedbackTopic))
                .uid("journey").name("journey");

        // Voice of the Customer: keyed event-time aggregates, trend alerts and gauges (io.cxstream.voc).
        if (config.voc.enabled) {
            VocPipeline.Streams voc = VocPipeline.apply(journeys, config.voc);
            if (vocAggregateSink != null) {
                voc.aggregates().sinkTo(vocAggregateSink).uid("voc-sink").name("voc-sink");
                voc.alerts().sinkTo(vocAlertSink).uid("voc-alerts-sink").name("voc-alerts-sink");
            }
        }

        // Each detector sees only the events its pattern needs, plus erasure markers that clear
        // the customer's partial matches. The journey output is still partitioned by customer, so
        // no second shuffle is needed in front of CEP.
        List<DataStream<Trigger>> triggers = new ArrayList<>();
        List<Detector> detectors = Detectors.enabled(config);
        for (Detector detector : detectors) {
            if (detector.singleEvent()) {
                // Stateless: nothing to erase, but it passes erasure markers on to the decision.
                triggers.add(journeys.filter(detector::feeds).name(detector.uid() + "-input")
                        .map(new SingleEventFunction(detector))
                        .uid(detector.uid()).name(detector.uid()));
                continue;
            }
            KeyedStream<JourneyEvent, String> input = DataStreamUtils.reinterpretAsKeyedStream(
                    journeys.filter(detector::feeds).name(detector.uid() + "-input"),
                    e -> e.customerId, Types.STRING);
            triggers.add(DetectorOperator.apply(input, detector)
                    .uid(detector.uid()).name(detector.uid()));
        }
        DataStream<Trigger> allTriggers = triggers.get(0);
        for (int i = 1; i < triggers.size(); i++) {
            allTriggers = allTriggers.union(triggers.get(i));
        }

        DataStream<ConsentEvent> consents = journeys.getSideOutput(JourneyFunction.CONSENTS);
        DataStream<OutreachEvent> outreach = allTriggers
                .keyBy(t -> t.customerId, Types.STRING)
                .connect(consents.keyBy(ConsentEvent::getCustomerId, Types.STRING))
                .process(new OutreachDecisionFunction(config.cooldown, config.stateTtl,
                        config.defaultServiceConsent, config.defaultMarketingConsent,
                        detectors.stream().map(Detector::type).toList()))
                .uid("outreach-decision").name("outreach-decision");

        outreach.sinkTo(outreachSink).uid("outreach-sink").name("outreach-sink");

        events.getSideOutput(InputRouter.DEAD_LETTERS)
                .union(journeys.getSideOutput(JourneyFunction.LATE))
                .sinkTo(deadLetterSink).uid("deadletter-sink").name("deadletter-sink");
    }
}
