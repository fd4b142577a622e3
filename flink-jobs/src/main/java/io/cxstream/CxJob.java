package io.cxstream;

import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryRate;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.config.CxConfig;
import io.cxstream.io.CxEvent;
import io.cxstream.io.Decoded;
import io.cxstream.io.InputRouter;
import io.cxstream.io.KafkaIo;
import io.cxstream.io.WallClockWatermarks;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.journey.JourneyFunction;
import io.cxstream.journey.JourneyOperator;
import io.cxstream.loop.FeedbackDecoded;
import io.cxstream.loop.LoopPipeline;
import io.cxstream.outreach.OutreachDecisionFunction;
import io.cxstream.outreach.OutreachDecisionOperator;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.IdleWatermarks;
import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.RuleStatus;
import io.cxstream.rules.Trigger;
import io.cxstream.state.CxRocksDbOptionsFactory;
import io.cxstream.state.StateCache;
import io.cxstream.voc.VocPipeline;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The cx-stream job: Kafka in → per-customer journey and rules → outreach decision → Kafka out.
 *
 * <pre>
 *  cx.interactions ┐                  ┌──────────────────────────────┐
 *  cx.feedback     ├▶ route-input ─▶──┤ journey (keyed per customer): │─ triggers ─▶ outreach-decision ─▶ cx.outreach.*
 *  cx.consents     ┘     │ bad        │ journey state + rule engine   │  (findings, consents, erasures, in order)
 *                        ▼            └──────────────────────────────┘
 *                   cx.deadletter ◀── late events      ▲ broadcast         └─ rule statuses ─▶ cx.rules.status
 *                                                      │
 *  cx.rules (compacted, JSON) ─▶ rules ────────────────┘
 *  with outreach.lifecycle.enabled: decision ─▶ outreach-lifecycle (+ journey events, erasures, cx.outreach.feedback, rules)
 *                                  ─▶ cx.outreach.*, cx.outreach.updates; outcomes ─▶ recovery-rate ─▶ cx.outreach.recovery
 *                                  journey ─ feedback ─▶ voc-split ─▶ voc-cardinality ─▶ voc-aggregate ─▶ cx.voc, cx.voc.alerts (+ gauges)
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
    private final Source<RuleRecord, ?, ?> rulesSource;
    private final Sink<OutreachEvent> outreachSink;
    private final Sink<DeadLetter> deadLetterSink;
    private final Sink<RuleStatus> ruleStatusSink;
    private Sink<VocAggregate> vocAggregateSink;
    private Sink<VocTrendAlert> vocAlertSink;
    private Source<FeedbackDecoded, ?, ?> outreachFeedbackSource;
    private Sink<OutreachUpdate> outreachUpdatesSink;
    private Sink<RecoveryRate> recoverySink;

    /** A job over the given sources and sinks (tests pass their own). */
    public CxJob(
            CxConfig config,
            Source<Decoded, ?, ?> source,
            Source<RuleRecord, ?, ?> rulesSource,
            Sink<OutreachEvent> outreachSink,
            Sink<DeadLetter> deadLetterSink,
            Sink<RuleStatus> ruleStatusSink) {
        this.config = config;
        this.source = source;
        this.rulesSource = rulesSource;
        this.outreachSink = outreachSink;
        this.deadLetterSink = deadLetterSink;
        this.ruleStatusSink = ruleStatusSink;
    }

    /** The production job: Kafka sources and sinks as configured. */
    public static CxJob onKafka(CxConfig config) {
        return new CxJob(
                        config,
                        KafkaIo.source(config),
                        KafkaIo.rulesSource(config),
                        KafkaIo.outreachSink(config),
                        KafkaIo.deadLetterSink(config),
                        KafkaIo.ruleStatusSink(config))
                .withVocSinks(KafkaIo.vocAggregateSink(config), KafkaIo.vocAlertSink(config))
                .withLoop(
                        KafkaIo.outreachFeedbackSource(config),
                        KafkaIo.outreachUpdatesSink(config),
                        KafkaIo.recoverySink(config));
    }

    /** The closed loop's acks and closes in, status updates and recovery figures out (used when outreach.lifecycle.enabled). */
    public CxJob withLoop(
            Source<FeedbackDecoded, ?, ?> feedback, Sink<OutreachUpdate> updates, Sink<RecoveryRate> recovery) {
        this.outreachFeedbackSource = feedback;
        this.outreachUpdatesSink = updates;
        this.recoverySink = recovery;
        return this;
    }

    /** Where the Voice-of-the-Customer aggregates and alerts go; without, they only feed the gauges. */
    public CxJob withVocSinks(Sink<VocAggregate> aggregates, Sink<VocTrendAlert> alerts) {
        this.vocAggregateSink = aggregates;
        this.vocAlertSink = alerts;
        return this;
    }

    public static void main(String[] args) throws Exception {
        CxConfig config = CxConfig.fromArgs(args, System.getenv());
        LOG.info(
                "Starting cx-stream on {} (delivery {}, Kafka client properties set: {})",
                config.bootstrapServers,
                config.deliveryGuarantee,
                config.kafkaPropertyNames());
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
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (config.checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir);
        }
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, config.watermarkInterval);
        // Timers on the heap (checkpointed with the keyed state): the rule engine registers one per
        // event time a rule waits for; in RocksDB each would be a write, a delete and an iterator seek.
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        // Bloom filters spare point lookups (journey and rule state) a read of every SST file
        // that does not hold the key.
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // LZ4 in place of RocksDB's default Snappy: less CPU in the flushes and compactions every
        // checkpoint causes (measured in docs/performance.md, session 17); its size, by RocksDB's own
        // documentation about Snappy's, was not measured here.
        conf.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(CompressionType.LZ4_COMPRESSION));
        // Without a cap the MANIFEST (uploaded whole by every incremental checkpoint) grows forever.
        conf.set(RocksDBOptions.OPTIONS_FACTORY, CxRocksDbOptionsFactory.class.getName());
        // Only read when the job starts its own MiniCluster (./cx demo, serve, bench): a cluster sizes
        // its task managers itself. Flink's local default (128 MiB) is shared by the RocksDB instances
        // of a slot (journey, decision) and makes them flush constantly.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, LOCAL_MANAGED_MEMORY);
        return conf;
    }

    /** Wires sources → journey and rules → decision → sinks on {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        if (config.parallelism > 0) {
            env.setParallelism(config.parallelism);
        }

        // Bounded out-of-orderness, never past the job's clock, following it when the input is quiet (live mode).
        WatermarkStrategy<Decoded> watermarks = WallClockWatermarks.<Decoded>strategy(config)
                .withTimestampAssigner((d, kafkaTimestamp) -> d.event != null ? d.event.eventTime : Long.MIN_VALUE);

        SingleOutputStreamOperator<CxEvent> events = env.fromSource(source, watermarks, "kafka-input")
                .uid("kafka-input")
                .process(new InputRouter())
                .uid("route-input")
                .name("route-input");

        // Rules reach every parallel instance (broadcast). The rules stream carries no event time of
        // its own: it is always idle, so it neither holds back nor moves the events' watermark.
        DataStream<RuleRecord> ruleRecords = env.fromSource(
                        rulesSource,
                        WatermarkStrategy.<RuleRecord>forGenerator(ctx -> new IdleWatermarks<>()),
                        "rules-input")
                .uid("rules-input")
                .setParallelism(1);

        // The start rules and how published ones are checked: the rule engine's, and the loop's (which must
        // apply exactly what the rule engine accepts).
        RuleBook ruleBook = new RuleBook(DefaultRules.load(config), DefaultRules.limits(config), config.cooldown);

        // One keyed operator per customer: the journey and every rule, on point-lookup state (its own
        // operator class so that it can write customers' values back at checkpoints: JourneyOperator).
        SingleOutputStreamOperator<JourneyEvent> journeys = events.keyBy(e -> e.customerId, Types.STRING)
                .connect(ruleRecords.broadcast())
                .transform(
                        "journey",
                        TypeInformation.of(JourneyEvent.class),
                        new JourneyOperator(new JourneyFunction(config, ruleBook)))
                .uid("journey");

        // Voice of the Customer: keyed event-time aggregates, trend alerts and gauges (io.cxstream.voc).
        if (config.voc.enabled) {
            VocPipeline.Streams voc = VocPipeline.apply(
                    journeys, config.voc, StateCache.sizeFor(config.stateBackend, config.vocCacheSize));
            if (vocAggregateSink != null) {
                voc.aggregates().sinkTo(vocAggregateSink).uid("voc-sink").name("voc-sink");
                voc.alerts().sinkTo(vocAlertSink).uid("voc-alerts-sink").name("voc-alerts-sink");
            }
        }

        // Findings, consent changes and erasures leave the journey in the customer's order, still
        // partitioned by customer: a forward edge, no second shuffle. The decision starts a chain of
        // its own so that it runs on another thread than the journey (the bottleneck) where cores allow.
        KeyedStream<Trigger, String> triggers = DataStreamUtils.reinterpretAsKeyedStream(
                journeys.getSideOutput(JourneyFunction.TRIGGERS), t -> t.customerId, Types.STRING);
        DataStream<OutreachEvent> outreach = triggers.transform(
                        "outreach-decision",
                        TypeInformation.of(OutreachEvent.class),
                        new OutreachDecisionOperator(new OutreachDecisionFunction(
                                        config.rulesMaxWindow,
                                        config.stateTtl,
                                        config.defaultServiceConsent,
                                        config.defaultMarketingConsent,
                                        config.consentGrace)
                                .withCache(OutreachDecisionFunction.cacheSize(config))))
                .uid("outreach-decision")
                .name("outreach-decision")
                .startNewChain();

        journeys.getSideOutput(JourneyFunction.RULE_STATUS)
                .sinkTo(ruleStatusSink)
                .uid("rule-status-sink")
                .name("rule-status-sink");

        DataStream<DeadLetter> deadLetters =
                events.getSideOutput(InputRouter.DEAD_LETTERS).union(journeys.getSideOutput(JourneyFunction.LATE));

        // Closing the loop (io.cxstream.loop): caps, holdout, lifecycle and recovery after the decision.
        if (config.loop.enabled && outreachFeedbackSource != null) {
            DataStream<FeedbackDecoded> feedback = env.fromSource(
                            outreachFeedbackSource,
                            WatermarkStrategy.<FeedbackDecoded>forGenerator(ctx -> new IdleWatermarks<>()),
                            "outreach-feedback-input")
                    .uid("outreach-feedback-input");
            LoopPipeline.Streams loop = LoopPipeline.apply(
                    outreach,
                    journeys,
                    journeys.getSideOutput(JourneyFunction.TRIGGERS),
                    feedback,
                    ruleRecords,
                    config.loop,
                    ruleBook);
            outreach = loop.outreach();
            loop.updates()
                    .sinkTo(outreachUpdatesSink)
                    .uid("outreach-updates-sink")
                    .name("outreach-updates-sink");
            loop.recovery().sinkTo(recoverySink).uid("outreach-recovery-sink").name("outreach-recovery-sink");
            deadLetters = deadLetters.union(loop.deadLetters());
        }

        outreach.sinkTo(outreachSink).uid("outreach-sink").name("outreach-sink");
        deadLetters.sinkTo(deadLetterSink).uid("deadletter-sink").name("deadletter-sink");
    }
}
