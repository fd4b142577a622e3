package io.cxstream.loop;

import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;

import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of the outreach lifecycle ({@code outreach.sla.*}, {@code outreach.cap.*}, {@code outreach.holdout-percent},
 * {@code outreach.recovery.period}, {@code topic.outreach.*}), validated by {@code CxConfig}; see {@code CxOptions}
 * for their meaning and defaults.
 */
public final class LoopConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether the job runs the loop at all (outreach.lifecycle.enabled). */
    public final boolean enabled;

    public final String updatesTopic;
    public final String feedbackTopic;
    public final String recoveryTopic;
    /** Time to ack by route and priority; a missing entry: no SLA. */
    public final Map<Route, Map<Priority, Duration>> ackSla;

    public final String escalationRoute;
    /** Most outreach per customer and route per {@link #capPeriod}; 0: no cap. */
    public final Map<Route, Integer> cap;

    public final Map<Route, Duration> capPeriod;
    public final int holdoutPercent;
    public final Duration recoveryPeriod;
    public final Duration resolveWithin;
    public final Duration earlyEventsTtl;

    public LoopConfig(
            boolean enabled,
            String updatesTopic,
            String feedbackTopic,
            String recoveryTopic,
            Map<Route, Map<Priority, Duration>> ackSla,
            String escalationRoute,
            Map<Route, Integer> cap,
            Map<Route, Duration> capPeriod,
            int holdoutPercent,
            Duration recoveryPeriod,
            Duration resolveWithin,
            Duration earlyEventsTtl) {
        this.enabled = enabled;
        this.updatesTopic = updatesTopic;
        this.feedbackTopic = feedbackTopic;
        this.recoveryTopic = recoveryTopic;
        this.ackSla = Collections.unmodifiableMap(new EnumMap<>(ackSla));
        this.escalationRoute = escalationRoute;
        this.cap = Collections.unmodifiableMap(new EnumMap<>(cap));
        this.capPeriod = Collections.unmodifiableMap(new EnumMap<>(capPeriod));
        this.holdoutPercent = holdoutPercent;
        this.recoveryPeriod = recoveryPeriod;
        this.resolveWithin = resolveWithin;
        this.earlyEventsTtl = earlyEventsTtl;
    }

    /** The SLA of a route and priority, or null. */
    public Duration sla(Route route, Priority priority) {
        Map<Priority, Duration> byPriority = ackSla.get(route);
        return byPriority == null ? null : byPriority.get(priority);
    }

    /**
     * Parses {@code P1=15 min} entries.
     *
     * @throws IllegalArgumentException with a message fit for the key's error
     */
    public static Map<Priority, Duration> parseSla(List<String> entries) {
        Map<Priority, Duration> result = new EnumMap<>(Priority.class);
        for (String entry : entries == null ? List.<String>of() : entries) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(
                        "expected PRIORITY=DURATION such as P1=15 min, was '" + entry.trim() + "'");
            }
            Priority p;
            try {
                p = Priority.valueOf(entry.substring(0, eq).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown priority '" + entry.substring(0, eq).trim() + "' (P1..P4)");
            }
            Duration d = TimeUtils.parseDuration(entry.substring(eq + 1).trim());
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("the SLA of " + p + " must be positive");
            }
            result.put(p, d);
        }
        return result;
    }
}
