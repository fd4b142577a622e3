package io.cxstream.generator;

import io.cxstream.avro.wire.WireFormat;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How a {@link SyntheticLoad} sends simulated customers to Kafka. Immutable; build it with
 * {@link #builder(String)}. Invalid values are refused at construction with an
 * {@link IllegalArgumentException} that names the field.
 *
 * @param bootstrapServers Kafka bootstrap servers (required)
 * @param topics the three input topics (default {@link TopicNames#DEFAULT})
 * @param eventsPerSecond target rate; 0 or negative sends as fast as possible (default
 *     {@value #DEFAULT_EVENTS_PER_SECOND})
 * @param duration stop after this long; {@code null} for no limit (default {@code null})
 * @param maxEvents stop after this many events; 0 for no limit (default 0)
 * @param format wire format of the record values (default {@link WireFormat#AVRO})
 * @param producerOverrides extra producer settings (e.g. security), applied last so they win over
 *     {@link SyntheticLoad#producerProperties(SyntheticLoadConfig)}'s defaults (default none)
 * @param progressInterval how often progress is logged (default {@link #DEFAULT_PROGRESS_INTERVAL})
 * @param maxCatchUp how far behind its schedule the load may fall (slow broker, GC pause) and still
 *     catch up by sending faster; a longer backlog is dropped (default {@link #DEFAULT_MAX_CATCH_UP})
 * @param simulator the customers to simulate (default {@link SimulatorConfig#defaults()})
 */
public record SyntheticLoadConfig(
        String bootstrapServers,
        TopicNames topics,
        double eventsPerSecond,
        Duration duration,
        long maxEvents,
        WireFormat format,
        Map<String, String> producerOverrides,
        Duration progressInterval,
        Duration maxCatchUp,
        SimulatorConfig simulator) {

    public static final double DEFAULT_EVENTS_PER_SECOND = 1_000;
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_CATCH_UP = Duration.ofMillis(100);

    public SyntheticLoadConfig {
        require(
                bootstrapServers != null && !bootstrapServers.isBlank(),
                "bootstrapServers",
                "must not be blank",
                bootstrapServers);
        require(topics != null, "topics", "must not be null", topics);
        require(
                !Double.isNaN(eventsPerSecond) && !Double.isInfinite(eventsPerSecond),
                "eventsPerSecond",
                "must be finite (0 or negative for no limit)",
                eventsPerSecond);
        require(
                duration == null || (!duration.isNegative() && !duration.isZero()),
                "duration",
                "must be positive (or null for no limit)",
                duration);
        require(maxEvents >= 0, "maxEvents", "must be >= 0 (0 for no limit)", maxEvents);
        require(format != null, "format", "must not be null", format);
        require(producerOverrides != null, "producerOverrides", "must not be null", producerOverrides);
        producerOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(producerOverrides));
        require(
                progressInterval != null && !progressInterval.isNegative() && !progressInterval.isZero(),
                "progressInterval",
                "must be positive",
                progressInterval);
        require(maxCatchUp != null && !maxCatchUp.isNegative(), "maxCatchUp", "must not be negative", maxCatchUp);
        require(simulator != null, "simulator", "must not be null", simulator);
    }

    /** A builder with every default, sending to the given bootstrap servers. */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** Whether the rate is limited. */
    public boolean paced() {
        return eventsPerSecond > 0;
    }

    private static void require(boolean condition, String field, String rule, Object value) {
        if (!condition) {
            throw new IllegalArgumentException("SyntheticLoadConfig." + field + " " + rule + " but was " + value);
        }
    }

    /** Builds a {@link SyntheticLoadConfig}; unset fields keep their defaults. Not thread-safe. */
    public static final class Builder {
        private final String bootstrapServers;
        private TopicNames topics = TopicNames.DEFAULT;
        private double eventsPerSecond = DEFAULT_EVENTS_PER_SECOND;
        private Duration duration;
        private long maxEvents;
        private WireFormat format = WireFormat.AVRO;
        private final Map<String, String> producerOverrides = new LinkedHashMap<>();
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private Duration maxCatchUp = DEFAULT_MAX_CATCH_UP;
        private SimulatorConfig simulator = SimulatorConfig.defaults();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Builder topics(TopicNames topics) {
            this.topics = topics;
            return this;
        }

        /** Target rate; 0 or negative for as fast as possible. */
        public Builder eventsPerSecond(double eventsPerSecond) {
            this.eventsPerSecond = eventsPerSecond;
            return this;
        }

        /** Stop after this long; {@code null} for no limit. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** Stop after this many events; 0 for no limit. */
        public Builder maxEvents(long maxEvents) {
            this.maxEvents = maxEvents;
            return this;
        }

        public Builder format(WireFormat format) {
            this.format = format;
            return this;
        }

        /** Adds one producer setting, overriding the default of the same name. */
        public Builder producerProperty(String name, String value) {
            producerOverrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
            return this;
        }

        /** Adds every (string) property, overriding defaults of the same names; e.g. security settings. */
        public Builder producerProperties(Properties properties) {
            for (String name : properties.stringPropertyNames()) {
                producerProperty(name, properties.getProperty(name));
            }
            return this;
        }

        public Builder progressInterval(Duration progressInterval) {
            this.progressInterval = progressInterval;
            return this;
        }

        public Builder maxCatchUp(Duration maxCatchUp) {
            this.maxCatchUp = maxCatchUp;
            return this;
        }

        public Builder simulator(SimulatorConfig simulator) {
            this.simulator = simulator;
            return this;
        }

        public SyntheticLoadConfig build() {
            return new SyntheticLoadConfig(
                    bootstrapServers,
                    topics,
                    eventsPerSecond,
                    duration,
                    maxEvents,
                    format,
                    producerOverrides,
                    progressInterval,
                    maxCatchUp,
                    simulator);
        }
    }
}
