package io.cxstream.voc;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Voice-of-the-Customer settings ({@code voc.*}, {@code topic.voc*}), validated by
 * {@code CxConfig}; see {@code CxOptions} for their meaning and defaults.
 */
public final class VocConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public final boolean enabled;
    public final String aggregatesTopic;
    public final String alertsTopic;
    public final int minSample;
    public final int maxValues;
    public final Set<VocDimension> gaugeDimensions;
    public final double alertMinDrop;
    public final double alertMinZ;
    public final Duration alertCooldown;
    /** NPS goals by {@code dimension/value}, e.g. {@code touchpoint/delivery → 40}. */
    public final Map<String, Double> goals;

    public VocConfig(
            boolean enabled,
            String aggregatesTopic,
            String alertsTopic,
            int minSample,
            int maxValues,
            Set<VocDimension> gaugeDimensions,
            double alertMinDrop,
            double alertMinZ,
            Duration alertCooldown,
            Map<String, Double> goals) {
        this.enabled = enabled;
        this.aggregatesTopic = aggregatesTopic;
        this.alertsTopic = alertsTopic;
        this.minSample = minSample;
        this.maxValues = maxValues;
        this.gaugeDimensions = Collections.unmodifiableSet(
                gaugeDimensions.isEmpty() ? EnumSet.noneOf(VocDimension.class) : EnumSet.copyOf(gaugeDimensions));
        this.alertMinDrop = alertMinDrop;
        this.alertMinZ = alertMinZ;
        this.alertCooldown = alertCooldown;
        this.goals = Collections.unmodifiableMap(new HashMap<>(goals));
    }

    /** The NPS goal of a dimension value, or null. */
    public Double goal(VocDimension dimension, String value) {
        return goals.get(goalKey(dimension, value));
    }

    static String goalKey(VocDimension dimension, String value) {
        return dimension.label() + "/" + value;
    }

    /**
     * Parses one goal, {@code dimension:value=goal} (e.g. {@code touchpoint:delivery=40}), into
     * {@code goals}; throws IllegalArgumentException saying what is wrong.
     */
    public static void parseGoal(String spec, Map<String, Double> goals) {
        int colon = spec.indexOf(':');
        int eq = spec.lastIndexOf('=');
        if (colon <= 0 || eq <= colon + 1 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(
                    "'" + spec + "' is not dimension:value=goal (e.g. touchpoint:delivery=40)");
        }
        VocDimension dimension;
        try {
            dimension = VocDimension.ofLabel(spec.substring(0, colon));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + spec + "': unknown dimension '" + spec.substring(0, colon) + "'");
        }
        double goal;
        try {
            goal = Double.parseDouble(spec.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + spec + "': goal is not a number");
        }
        if (goal < -100 || goal > 100) {
            throw new IllegalArgumentException("'" + spec + "': an NPS goal is between -100 and 100");
        }
        goals.put(goalKey(dimension, spec.substring(colon + 1, eq).trim()), goal);
    }
}
