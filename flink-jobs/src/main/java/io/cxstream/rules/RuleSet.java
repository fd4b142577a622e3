package io.cxstream.rules;

import io.cxstream.journey.JourneyEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiled rules an operator instance evaluates: for each rule id its versions in force
 * (ordered by effectiveFrom), and an index from event keys ({@code type:PAYMENT_FAILED},
 * {@code metric:NPS}) to the conditions such an event can match. An event is evaluated only
 * against the conditions of its keys, plus those that name no key.
 */
public final class RuleSet {
    /** A condition of one rule version and the role an event that matches it plays. */
    static final class Entry {
        final CompiledRule rule;
        final int role;
        final Condition condition;

        Entry(CompiledRule rule, int role, Condition condition) {
            this.rule = rule;
            this.role = role;
            this.condition = condition;
        }
    }

    /** A condition an event matched. */
    static final class Hit {
        final CompiledRule rule;
        final int role;

        Hit(CompiledRule rule, int role) {
            this.rule = rule;
            this.role = role;
        }
    }

    private static final Map<io.cxstream.avro.InteractionType, String> TYPE_KEYS =
            keys(io.cxstream.avro.InteractionType.class, "type:");
    private static final Map<io.cxstream.avro.FeedbackMetric, String> METRIC_KEYS =
            keys(io.cxstream.avro.FeedbackMetric.class, "metric:");

    private static <E extends Enum<E>> Map<E, String> keys(Class<E> type, String prefix) {
        Map<E, String> keys = new java.util.EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            keys.put(e, prefix + e.name());
        }
        return keys;
    }

    /** The key a condition's {@link Condition#keys} name the event by ({@code type:ORDER_PLACED}, {@code metric:NPS}); null: none. */
    static String keyOf(JourneyEvent event) {
        return event.interactionType != null
                ? TYPE_KEYS.get(event.interactionType)
                : event.metric != null ? METRIC_KEYS.get(event.metric) : null;
    }

    private final Map<String, List<CompiledRule>> versions;
    private final Map<String, List<Entry>> byKey = new HashMap<>();
    private final List<Entry> anyEvent = new ArrayList<>();
    private final boolean anyStateful;

    /** @param versions per rule id, the versions in force, oldest effectiveFrom first (disabled ones included) */
    RuleSet(Map<String, List<CompiledRule>> versions) {
        this.versions = versions;
        boolean stateful = false;
        for (List<CompiledRule> list : versions.values()) {
            for (CompiledRule r : list) {
                if (!r.rule.enabled) {
                    continue;
                }
                stateful |= r.stateful();
                add(new Entry(r, CompiledRule.ROLE_WHEN, r.when));
                if (r.other != null) {
                    add(new Entry(
                            r,
                            r.rule.pattern.kind == Rule.Kind.SEQUENCE
                                    ? CompiledRule.ROLE_THEN
                                    : CompiledRule.ROLE_OTHER,
                            r.other));
                }
            }
        }
        this.anyStateful = stateful;
    }

    private void add(Entry entry) {
        Set<String> keys = entry.condition.keys;
        if (keys == null) {
            anyEvent.add(entry);
        } else {
            for (String key : keys) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
            }
        }
    }

    /** The version of rule {@code id} in force at event time {@code t}, or null (none, or disabled). */
    CompiledRule inForce(String id, long t) {
        List<CompiledRule> list = versions.get(id);
        if (list == null) {
            return null;
        }
        for (int i = list.size() - 1; i >= 0; i--) {
            CompiledRule r = list.get(i);
            if (r.rule.effectiveFrom <= t) {
                return r.rule.enabled ? r : null;
            }
        }
        return null;
    }

    /** A given version of a rule, if still known and enabled. */
    CompiledRule version(String id, int version) {
        List<CompiledRule> list = versions.get(id);
        if (list != null) {
            for (CompiledRule r : list) {
                if (r.rule.version == version) {
                    return r.rule.enabled ? r : null;
                }
            }
        }
        return null;
    }

    boolean anyStateful() {
        return anyStateful;
    }

    /** Every enabled version, for status and metrics. */
    Collection<List<CompiledRule>> all() {
        return versions.values();
    }

    /**
     * The conditions the event matches, of the rule versions in force at its time. A count rule
     * marked consecutive gets a reset hit from an event of its own keys that fails {@code when}.
     */
    List<Hit> evaluate(JourneyEvent event, java.util.Map<String, String> attributes, EventVariables vars) {
        List<Hit> hits = null;
        String key = keyOf(event);
        List<Entry> keyed = key == null ? null : byKey.get(key);
        if (keyed == null && anyEvent.isEmpty()) {
            return List.of();
        }
        vars.of(event, attributes);
        if (keyed != null) {
            hits = match(keyed, event, vars, hits);
        }
        if (!anyEvent.isEmpty()) {
            hits = match(anyEvent, event, vars, hits);
        }
        return hits == null ? List.of() : hits;
    }

    private List<Hit> match(List<Entry> entries, JourneyEvent event, EventVariables vars, List<Hit> hits) {
        for (Entry entry : entries) {
            if (inForce(entry.rule.rule.id, event.eventTime) != entry.rule) {
                continue;
            }
            boolean matched = entry.condition.matches(vars);
            if (matched) {
                hits = add(hits, new Hit(entry.rule, entry.role));
            } else if (entry.role == CompiledRule.ROLE_WHEN && entry.rule.rule.pattern.consecutive) {
                hits = add(hits, new Hit(entry.rule, CompiledRule.ROLE_OTHER));
            }
        }
        return hits;
    }

    private static List<Hit> add(List<Hit> hits, Hit hit) {
        List<Hit> list = hits == null ? new ArrayList<>(2) : hits;
        list.add(hit);
        return list;
    }
}
