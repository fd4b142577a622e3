package io.cxstream.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/** The Voice-of-the-Customer settings ({@code voc.*}, io.cxstream.voc). Part of {@link CxOptions#all()}. */
public final class VocOptions {
    private VocOptions() {}

    public static final ConfigOption<Boolean> VOC_ENABLED = ConfigOptions.key("voc.enabled")
            .booleanType()
            .defaultValue(true)
            .withDescription(
                    "Voice-of-the-Customer aggregates (topic.voc), trend alerts (topic.voc-alerts) and gauges.");
    public static final ConfigOption<String> TOPIC_VOC = ConfigOptions.key("topic.voc")
            .stringType()
            .defaultValue("cx.voc")
            .withDescription(
                    "Output topic of VocAggregate records (compacted; key window/dimension/value/metric, plus the minute for 1m).");
    public static final ConfigOption<String> TOPIC_VOC_ALERTS = ConfigOptions.key("topic.voc-alerts")
            .stringType()
            .defaultValue("cx.voc.alerts")
            .withDescription("Output topic of VocTrendAlert records (for the CX team).");
    public static final ConfigOption<Integer> VOC_MIN_SAMPLE = ConfigOptions.key("voc.min-sample")
            .intType()
            .defaultValue(30)
            .withDescription(
                    "Windows with fewer answers are marked insufficient: no score, no interval, no gauge value, no alert.");
    public static final ConfigOption<Integer> VOC_MAX_VALUES = ConfigOptions.key("voc.max-values")
            .intType()
            .defaultValue(200)
            .withDescription(
                    "Distinct values kept per dimension (touchpoint, agent, ...); answers with further values are counted "
                            + "under value \"other\" and in cx_voc_folded. A value unseen for 7 days frees its place.");
    public static final ConfigOption<Integer> VOC_CACHE_SIZE = ConfigOptions.key("voc.cache-size")
            .intType()
            .defaultValue(1_024)
            .withDescription(
                    "VoC series (metric/dimension/value) each voc-aggregate instance keeps on the heap with their minute "
                            + "and hour buckets, so that an answer costs no RocksDB read or write; changed buckets are "
                            + "written to RocksDB when a series leaves the cache or before the next checkpoint (checkpoints "
                            + "hold the same). 0 turns it off; used with state.backend rocksdb only.");
    public static final ConfigOption<List<String>> VOC_GAUGE_DIMENSIONS = ConfigOptions.key("voc.gauge-dimensions")
            .stringType()
            .asList()
            .defaultValues("overall", "touchpoint", "channel", "segment", "touchpoint_channel")
            .withDescription(
                    "Dimensions exported as gauges (cx_nps, cx_csat, cx_ces, cx_voc_answers; semicolon-separated). "
                            + "Each adds up to voc.max-values series per metric.");
    public static final ConfigOption<Double> VOC_ALERT_MIN_DROP = ConfigOptions.key("voc.alert.min-drop")
            .doubleType()
            .defaultValue(10.0)
            .withDescription(
                    "Smallest drop of the last hour's score below the 7-day baseline that alerts (score points: NPS -100..100, CSAT/CES 0..100).");
    public static final ConfigOption<Double> VOC_ALERT_MIN_Z = ConfigOptions.key("voc.alert.min-z")
            .doubleType()
            .defaultValue(4.0)
            .withDescription(
                    "The drop must also be at least this many standard errors (one-sided z-test; tested every minute, "
                            + "so well above 1.645; see the trend-alert benchmark for the false-alarm rate).");
    public static final ConfigOption<Duration> VOC_ALERT_COOLDOWN = ConfigOptions.key("voc.alert.cooldown")
            .durationType()
            .defaultValue(Duration.ofHours(6))
            .withDescription(
                    "After a trend alert, the same dimension value and metric does not alert again for this long (event time).");
    public static final ConfigOption<List<String>> VOC_GOALS = ConfigOptions.key("voc.goals")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription(
                    "NPS goals, dimension:value=goal, semicolon-separated (e.g. touchpoint:delivery=40;agent:a-17=50). "
                            + "Aggregates show the gap; a 24 h NPS below its goal is flagged and alerted once a day.");
}
