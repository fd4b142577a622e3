package io.cxstream.rules;

import io.cxstream.avro.Route;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * One detection rule as data: what to look for ({@link PatternSpec}), what it emits (trigger name,
 * route, priority, reason and action templates) and its own cooldown. Parsed and checked by
 * {@link RuleParser}; conditions are compiled by {@link Conditions}. Immutable.
 *
 * <p>The JSON form is documented in docs/rules.md and docs/detection.md.
 */
public final class Rule implements Serializable {
    private static final long serialVersionUID = 1L;

    /** No effectiveFrom given: the rule applies to events of any time. */
    public static final long ALWAYS = Long.MIN_VALUE;

    public final String id;
    public final int version;
    public final boolean enabled;
    public final String description;
    public final String trigger;
    public final Route route;
    /** A literal P1..P4 or a CEL expression of type string over the last evidence. */
    public final String priority;
    /** Whether the priority goes one step up for customers at high churn risk or in the LOYAL segment. */
    public final boolean boostAtRisk;

    public final String reason;
    public final String action;
    public final Duration cooldown;
    /** Event time (epoch millis) from which this version applies; {@link #ALWAYS} for shipped defaults. */
    public final long effectiveFrom;

    public final PatternSpec pattern;
    /** The JSON this rule was parsed from (kept in broadcast state and published on status records). */
    public final String json;

    Rule(
            String id,
            int version,
            boolean enabled,
            String description,
            String trigger,
            Route route,
            String priority,
            boolean boostAtRisk,
            String reason,
            String action,
            Duration cooldown,
            long effectiveFrom,
            PatternSpec pattern,
            String json) {
        this.id = id;
        this.version = version;
        this.enabled = enabled;
        this.description = description;
        this.trigger = trigger;
        this.route = route;
        this.priority = priority;
        this.boostAtRisk = boostAtRisk;
        this.reason = reason;
        this.action = action;
        this.cooldown = cooldown;
        this.effectiveFrom = effectiveFrom;
        this.pattern = pattern;
        this.json = json;
    }

    /** This rule with another effectiveFrom (a rule from the topic without one takes its publish time). */
    Rule effectiveFrom(long time) {
        return new Rule(
                id,
                version,
                enabled,
                description,
                trigger,
                route,
                priority,
                boostAtRisk,
                reason,
                action,
                cooldown,
                time,
                pattern,
                json);
    }

    /** Same rule text, version and start: a re-delivery, not a change. */
    boolean sameAs(Rule other) {
        return other != null
                && id.equals(other.id)
                && version == other.version
                && effectiveFrom == other.effectiveFrom
                && Objects.equals(json, other.json);
    }

    @Override
    public String toString() {
        return "Rule{" + id + " v" + version + (enabled ? "" : " disabled") + ", " + pattern.kind + ", " + trigger
                + "}";
    }

    /** The pattern kinds. */
    public enum Kind {
        /** One event matching {@code when}. */
        SINGLE,
        /** {@code count} events matching {@code when} within {@code within}, optionally reset. */
        COUNT,
        /** An event matching {@code when} not followed by one matching {@code missing} within {@code within}. */
        ABSENCE,
        /** An event matching {@code first}, then one matching {@code then}, within {@code within}. */
        SEQUENCE
    }

    /** What a rule looks for. Conditions are CEL source text (compiled by {@link Conditions}). */
    public static final class PatternSpec implements Serializable {
        private static final long serialVersionUID = 1L;

        public final Kind kind;
        /** single, count, absence: the matching event; sequence: the first step. */
        public final String when;
        /** count: a condition that clears the count (may be null). absence: the event that must not follow. sequence: the second step. */
        public final String other;

        public final int count;
        public final Duration within;
        /** count: a matching-kind event that fails {@code when} breaks the run. */
        public final boolean consecutive;

        PatternSpec(Kind kind, String when, String other, int count, Duration within, boolean consecutive) {
            this.kind = kind;
            this.when = when;
            this.other = other;
            this.count = count;
            this.within = within;
            this.consecutive = consecutive;
        }

        /** Whether the rule keeps per-customer memory (everything but single). */
        public boolean stateful() {
            return kind != Kind.SINGLE;
        }
    }
}
