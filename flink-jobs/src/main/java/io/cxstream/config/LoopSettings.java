package io.cxstream.config;

import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.loop.LoopConfig;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.cxstream.config.ConfigReads.get;
import static io.cxstream.config.ConfigReads.nonBlank;
import static io.cxstream.config.ConfigReads.positive;
import static io.cxstream.config.ConfigReads.range;

/** The closed-loop settings ({@code outreach.lifecycle.*}, SLAs, caps, holdout, recovery) of {@link CxConfig}, read and validated. */
final class LoopSettings {

    private LoopSettings() {
    }

    static LoopConfig read(Configuration c) {
        Map<Route, Map<Priority, Duration>> sla = new EnumMap<>(Route.class);
        sla.put(Route.CONTACT_CENTER, sla(c, CxOptions.ACK_SLA_CONTACT_CENTER));
        sla.put(Route.MARKETING, sla(c, CxOptions.ACK_SLA_MARKETING));
        Map<Route, Integer> cap = new EnumMap<>(Route.class);
        cap.put(Route.CONTACT_CENTER, range(c, CxOptions.CAP_CONTACT_CENTER, 0, 1000));
        cap.put(Route.MARKETING, range(c, CxOptions.CAP_MARKETING, 0, 1000));
        Map<Route, Duration> capPeriod = new EnumMap<>(Route.class);
        capPeriod.put(Route.CONTACT_CENTER, positive(c, CxOptions.CAP_CONTACT_CENTER_PERIOD));
        capPeriod.put(Route.MARKETING, positive(c, CxOptions.CAP_MARKETING_PERIOD));
        return new LoopConfig(get(c, CxOptions.LIFECYCLE_ENABLED), nonBlank(c, CxOptions.TOPIC_OUTREACH_UPDATES),
                nonBlank(c, CxOptions.TOPIC_OUTREACH_FEEDBACK), nonBlank(c, CxOptions.TOPIC_OUTREACH_RECOVERY), sla,
                nonBlank(c, CxOptions.ESCALATION_ROUTE), cap, capPeriod, range(c, CxOptions.HOLDOUT_PERCENT, 0, 50),
                positive(c, CxOptions.RECOVERY_PERIOD), positive(c, CxOptions.RESOLVE_WITHIN),
                positive(c, CxOptions.EARLY_EVENTS_TTL));
    }

    private static Map<Priority, Duration> sla(Configuration c, ConfigOption<List<String>> option) {
        try {
            return LoopConfig.parseSla(get(c, option));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(option.key(), e.getMessage());
        }
    }
}
