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

    private LoopSettings() {}

    static LoopConfig read(Configuration c) {
        Map<Route, Map<Priority, Duration>> sla = new EnumMap<>(Route.class);
        sla.put(Route.CONTACT_CENTER, sla(c, LoopOptions.ACK_SLA_CONTACT_CENTER));
        sla.put(Route.MARKETING, sla(c, LoopOptions.ACK_SLA_MARKETING));
        Map<Route, Integer> cap = new EnumMap<>(Route.class);
        cap.put(Route.CONTACT_CENTER, range(c, LoopOptions.CAP_CONTACT_CENTER, 0, 1000));
        cap.put(Route.MARKETING, range(c, LoopOptions.CAP_MARKETING, 0, 1000));
        Map<Route, Duration> capPeriod = new EnumMap<>(Route.class);
        capPeriod.put(Route.CONTACT_CENTER, positive(c, LoopOptions.CAP_CONTACT_CENTER_PERIOD));
        capPeriod.put(Route.MARKETING, positive(c, LoopOptions.CAP_MARKETING_PERIOD));
        return new LoopConfig(
                get(c, LoopOptions.LIFECYCLE_ENABLED),
                nonBlank(c, LoopOptions.TOPIC_OUTREACH_UPDATES),
                nonBlank(c, LoopOptions.TOPIC_OUTREACH_FEEDBACK),
                nonBlank(c, LoopOptions.TOPIC_OUTREACH_RECOVERY),
                sla,
                nonBlank(c, LoopOptions.ESCALATION_ROUTE),
                cap,
                capPeriod,
                range(c, LoopOptions.HOLDOUT_PERCENT, 0, 50),
                positive(c, LoopOptions.RECOVERY_PERIOD),
                positive(c, LoopOptions.RESOLVE_WITHIN),
                positive(c, LoopOptions.EARLY_EVENTS_TTL));
    }

    private static Map<Priority, Duration> sla(Configuration c, ConfigOption<List<String>> option) {
        try {
            return LoopConfig.parseSla(get(c, option));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(option.key(), e.getMessage());
        }
    }
}
