package io.cxstream.config;

import io.cxstream.voc.VocConfig;
import io.cxstream.voc.VocDimension;

import org.apache.flink.configuration.Configuration;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.cxstream.config.ConfigReads.get;
import static io.cxstream.config.ConfigReads.nonBlank;
import static io.cxstream.config.ConfigReads.nonNegative;
import static io.cxstream.config.ConfigReads.range;

/** The Voice of the Customer settings ({@code voc.*}) of {@link CxConfig}, read and validated. */
final class VocSettings {

    private VocSettings() {}

    static VocConfig read(Configuration c) {
        Set<VocDimension> gauges = EnumSet.noneOf(VocDimension.class);
        for (String d : get(c, VocOptions.VOC_GAUGE_DIMENSIONS)) {
            if (d.isBlank()) {
                continue;
            }
            try {
                gauges.add(VocDimension.ofLabel(d));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(
                        VocOptions.VOC_GAUGE_DIMENSIONS.key(),
                        "unknown dimension '" + d.trim()
                                + "'; known: overall, touchpoint, channel, agent, segment, survey, touchpoint_channel");
            }
        }
        Map<String, Double> goals = new HashMap<>();
        List<String> goalSpecs = get(c, VocOptions.VOC_GOALS);
        for (String spec : goalSpecs == null ? List.<String>of() : goalSpecs) {
            if (spec.isBlank()) {
                continue;
            }
            try {
                VocConfig.parseGoal(spec.trim(), goals);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(VocOptions.VOC_GOALS.key(), e.getMessage());
            }
        }
        double minDrop = get(c, VocOptions.VOC_ALERT_MIN_DROP);
        if (!(minDrop >= 0 && minDrop <= 200)) {
            throw new InvalidConfigException(
                    VocOptions.VOC_ALERT_MIN_DROP.key(), "must be between 0 and 200, was " + minDrop);
        }
        double minZ = get(c, VocOptions.VOC_ALERT_MIN_Z);
        if (!(minZ >= 0 && minZ <= 20)) {
            throw new InvalidConfigException(VocOptions.VOC_ALERT_MIN_Z.key(), "must be between 0 and 20, was " + minZ);
        }
        return new VocConfig(
                get(c, VocOptions.VOC_ENABLED),
                nonBlank(c, VocOptions.TOPIC_VOC),
                nonBlank(c, VocOptions.TOPIC_VOC_ALERTS),
                range(c, VocOptions.VOC_MIN_SAMPLE, 1, 1_000_000),
                range(c, VocOptions.VOC_MAX_VALUES, 1, 10_000),
                gauges,
                minDrop,
                minZ,
                nonNegative(c, VocOptions.VOC_ALERT_COOLDOWN),
                goals);
    }
}
