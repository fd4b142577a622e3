package io.cxstream.config;

import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Typed, validated reads of {@link CxOptions} for {@link CxConfig}; every failure names the key. */
final class ConfigReads {

    private ConfigReads() {}

    static <T> T get(Configuration c, ConfigOption<T> option) {
        try {
            return c.get(option);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(
                    option.key(), "cannot parse '" + c.toMap().get(option.key()) + "' (" + e.getMessage() + ")");
        }
    }

    static String require(Configuration c, ConfigOption<String> option) {
        String v = get(c, option);
        if (v == null || v.isBlank()) {
            throw new InvalidConfigException(option.key(), "is required (" + option.description() + ")");
        }
        return v.trim();
    }

    static String nonBlank(Configuration c, ConfigOption<String> option) {
        String v = get(c, option);
        if (v == null || v.isBlank()) {
            throw new InvalidConfigException(option.key(), "must not be empty");
        }
        return v.trim();
    }

    static String oneOf(Configuration c, ConfigOption<String> option, String... allowed) {
        String v = nonBlank(c, option).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new InvalidConfigException(
                option.key(), "must be one of " + String.join(", ", allowed) + ", was '" + v + "'");
    }

    static Duration positive(Configuration c, ConfigOption<Duration> option) {
        Duration d = get(c, option);
        if (d.isZero() || d.isNegative()) {
            throw new InvalidConfigException(option.key(), "must be positive, was " + d);
        }
        return d;
    }

    static Duration nonNegative(Configuration c, ConfigOption<Duration> option) {
        Duration d = get(c, option);
        if (d.isNegative()) {
            throw new InvalidConfigException(option.key(), "must not be negative, was " + d);
        }
        return d;
    }

    static int range(Configuration c, ConfigOption<Integer> option, int min, int max) {
        int v = get(c, option);
        if (v < min || v > max) {
            throw new InvalidConfigException(option.key(), "must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    static <E extends Enum<E>> E enumValue(Configuration c, ConfigOption<String> option, Class<E> type) {
        String v = nonBlank(c, option);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new InvalidConfigException(
                    option.key(), "must be one of " + String.join(", ", allowed) + ", was '" + v + "'");
        }
    }

    static WireFormat wireFormat(String key, String value) {
        try {
            return WireFormat.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(
                    key,
                    "must be avro or json" + (key.equals(KafkaOptions.INPUT_FORMAT.key()) ? " or auto" : "") + ", was '"
                            + value + "'");
        }
    }

    static DeliveryGuarantee deliveryGuarantee(String value) {
        switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "at-least-once":
                return DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once":
                return DeliveryGuarantee.EXACTLY_ONCE;
            default:
                throw new InvalidConfigException(
                        KafkaOptions.DELIVERY_GUARANTEE.key(),
                        "must be at-least-once or exactly-once, was '" + value + "'");
        }
    }

    static Set<TriggerType> detectors(List<String> names) {
        Set<TriggerType> set = EnumSet.noneOf(TriggerType.class);
        for (String name : names) {
            if (name.isBlank()) {
                continue;
            }
            try {
                TriggerType t =
                        TriggerType.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
                if (t == TriggerType.UNKNOWN) {
                    throw new IllegalArgumentException();
                }
                set.add(t);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(
                        CxOptions.DETECTORS.key(),
                        "unknown detector '" + name + "'; known: "
                                + "DETRACTOR, PAYMENT_FRICTION, REPEAT_CONTACT, ERROR_THEN_ABANDON, PROMOTER");
            }
        }
        if (set.isEmpty()) {
            throw new InvalidConfigException(CxOptions.DETECTORS.key(), "must enable at least one detector");
        }
        return Collections.unmodifiableSet(set);
    }
}
