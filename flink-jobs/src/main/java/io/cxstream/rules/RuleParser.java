package io.cxstream.rules;

import io.cxstream.avro.Route;
import io.cxstream.rules.Rule.PatternSpec;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static io.cxstream.rules.RuleJson.bool;
import static io.cxstream.rules.RuleJson.duration;
import static io.cxstream.rules.RuleJson.quote;
import static io.cxstream.rules.RuleJson.read;
import static io.cxstream.rules.RuleJson.text;
import static io.cxstream.rules.RuleJson.unknownFields;

/**
 * Parses the versioned JSON form of rules and checks everything that needs no compiler: required
 * fields, names, kinds, counts and windows against {@link RuleLimits}, and unknown fields (a typo
 * never silently becomes a default). Conditions are compiled separately ({@link Conditions}); the
 * generic field readers are {@link RuleJson}'s.
 */
public final class RuleParser {
    /** The rule-file format this parser reads ({@code "schema"} in a rule file). */
    public static final int SCHEMA_VERSION = 1;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern TRIGGER = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final Set<String> RULE_FIELDS = Set.of(
            "id",
            "version",
            "enabled",
            "description",
            "trigger",
            "route",
            "priority",
            "boostAtRisk",
            "reason",
            "action",
            "cooldown",
            "effectiveFrom",
            "pattern",
            "loop");
    private static final Set<String> FILE_FIELDS = Set.of("schema", "rules");

    private final RuleLimits limits;
    private final Duration defaultCooldown;

    public RuleParser(RuleLimits limits, Duration defaultCooldown) {
        this.limits = limits;
        this.defaultCooldown = defaultCooldown;
    }

    /** A rule file: {@code {"schema": 1, "rules": [ ... ]}}. */
    public List<Rule> parseFile(String json) throws RuleException {
        JsonNode root = read(json, "rule file");
        if (!root.isObject()) {
            throw new RuleException("rule file: expected an object with \"schema\" and \"rules\"");
        }
        unknownFields(root, FILE_FIELDS, "rule file");
        JsonNode schema = root.get("schema");
        if (schema == null || !schema.isInt() || schema.intValue() != SCHEMA_VERSION) {
            throw new RuleException("rule file: \"schema\" must be " + SCHEMA_VERSION);
        }
        JsonNode rules = root.get("rules");
        if (rules == null || !rules.isArray()) {
            throw new RuleException("rule file: \"rules\" must be an array");
        }
        List<Rule> result = new ArrayList<>();
        for (JsonNode node : rules) {
            result.add(parse(node));
        }
        return result;
    }

    /** One rule, as published on the rules topic. */
    public Rule parse(String json) throws RuleException {
        return parse(read(json, "rule"));
    }

    Rule parse(JsonNode node) throws RuleException {
        if (!node.isObject()) {
            throw new RuleException("rule: expected a JSON object");
        }
        String id = text(node, "id", null, null);
        if (id == null || !ID.matcher(id).matches()) {
            throw new RuleException("rule: \"id\" must match " + ID.pattern() + " (got " + quote(id) + ")");
        }
        String where = "rule " + id;
        unknownFields(node, RULE_FIELDS, where);
        JsonNode v = node.get("version");
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 1) {
            throw new RuleException(where + ": \"version\" must be a whole number ≥ 1");
        }
        String trigger = text(node, "trigger", null, where);
        if (trigger == null || !TRIGGER.matcher(trigger).matches()) {
            throw new RuleException(
                    where + ": \"trigger\" must match " + TRIGGER.pattern() + " (got " + quote(trigger) + ")");
        }
        Route route = route(text(node, "route", null, where), where);
        String priority = text(node, "priority", "P3", where);
        if (priority.length() > RuleLimits.MAX_EXPRESSION_LENGTH) {
            throw new RuleException(
                    where + ": \"priority\" is longer than " + RuleLimits.MAX_EXPRESSION_LENGTH + " characters");
        }
        String reason = template(node, "reason", where);
        String action = template(node, "action", where);
        Duration cooldown = duration(node, "cooldown", defaultCooldown, where);
        if (cooldown.compareTo(limits.maxWindow) > 0) {
            throw new RuleException(where + ": \"cooldown\" " + TimeUtils.formatWithHighestUnit(cooldown)
                    + " is longer than rules.max-window " + TimeUtils.formatWithHighestUnit(limits.maxWindow));
        }
        PatternSpec pattern = pattern(node.get("pattern"), where);
        LoopSpec.parse(id, node.get("loop"), where); // checked here, read by the outreach lifecycle
        return new Rule(
                id,
                v.intValue(),
                bool(node, "enabled", true, where),
                text(node, "description", "", where),
                trigger,
                route,
                priority,
                bool(node, "boostAtRisk", route == Route.CONTACT_CENTER, where),
                reason,
                action,
                cooldown,
                effectiveFrom(node.get("effectiveFrom"), where),
                pattern,
                node.toString());
    }

    private PatternSpec pattern(JsonNode p, String where) throws RuleException {
        if (p == null || !p.isObject()) {
            throw new RuleException(where + ": \"pattern\" must be an object with a \"kind\"");
        }
        String kindName = text(p, "kind", null, where + ".pattern");
        Rule.Kind kind;
        try {
            kind = Rule.Kind.valueOf(String.valueOf(kindName).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RuleException(where + ": pattern \"kind\" must be single, count, absence or sequence (got "
                    + quote(kindName) + ")");
        }
        String at = where + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
        switch (kind) {
            case SINGLE:
                unknownFields(p, Set.of("kind", "when"), at);
                return new PatternSpec(kind, expression(p, "when", true, at), null, 1, Duration.ZERO, false);
            case COUNT: {
                unknownFields(p, Set.of("kind", "when", "count", "within", "resetWhen", "consecutive"), at);
                JsonNode c = p.get("count");
                if (c == null
                        || !c.isIntegralNumber()
                        || !c.canConvertToInt()
                        || c.intValue() < 1
                        || c.intValue() > RuleLimits.MAX_COUNT) {
                    throw new RuleException(
                            at + ": \"count\" must be a whole number from 1 to " + RuleLimits.MAX_COUNT);
                }
                return new PatternSpec(
                        kind,
                        expression(p, "when", true, at),
                        expression(p, "resetWhen", false, at),
                        c.intValue(),
                        window(p, at),
                        bool(p, "consecutive", false, at));
            }
            case ABSENCE:
                unknownFields(p, Set.of("kind", "when", "missing", "within"), at);
                return new PatternSpec(
                        kind,
                        expression(p, "when", true, at),
                        expression(p, "missing", true, at),
                        1,
                        window(p, at),
                        false);
            case SEQUENCE:
                unknownFields(p, Set.of("kind", "first", "then", "within"), at);
                return new PatternSpec(
                        kind,
                        expression(p, "first", true, at),
                        expression(p, "then", true, at),
                        2,
                        window(p, at),
                        false);
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private Duration window(JsonNode p, String at) throws RuleException {
        Duration within = duration(p, "within", null, at);
        if (within == null || within.isZero() || within.isNegative()) {
            throw new RuleException(at + ": \"within\" must be a positive duration such as \"10 min\"");
        }
        if (within.compareTo(limits.maxWindow) > 0) {
            throw new RuleException(at + ": \"within\" " + TimeUtils.formatWithHighestUnit(within)
                    + " is longer than rules.max-window " + TimeUtils.formatWithHighestUnit(limits.maxWindow));
        }
        return within;
    }

    private static String expression(JsonNode p, String field, boolean required, String at) throws RuleException {
        String e = text(p, field, null, at);
        if (e == null || e.isBlank()) {
            if (required) {
                throw new RuleException(at + ": \"" + field + "\" (a condition) is required");
            }
            return null;
        }
        if (e.length() > RuleLimits.MAX_EXPRESSION_LENGTH) {
            throw new RuleException(
                    at + ": \"" + field + "\" is longer than " + RuleLimits.MAX_EXPRESSION_LENGTH + " characters");
        }
        return e;
    }

    private static String template(JsonNode node, String field, String where) throws RuleException {
        String t = text(node, field, null, where);
        if (t == null || t.isBlank()) {
            throw new RuleException(where + ": \"" + field + "\" is required");
        }
        if (t.length() > RuleLimits.MAX_TEMPLATE_LENGTH) {
            throw new RuleException(
                    where + ": \"" + field + "\" is longer than " + RuleLimits.MAX_TEMPLATE_LENGTH + " characters");
        }
        Templates.check(t, where + ": \"" + field + "\"");
        return t;
    }

    private static Route route(String name, String where) throws RuleException {
        if (name != null) {
            for (Route r : Route.values()) {
                if (r.name().equals(name)) {
                    return r;
                }
            }
        }
        throw new RuleException(where + ": \"route\" must be CONTACT_CENTER or MARKETING (got " + quote(name) + ")");
    }

    private static long effectiveFrom(JsonNode n, String where) throws RuleException {
        if (n == null || n.isNull()) {
            return Rule.ALWAYS;
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        try {
            return Instant.parse(n.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new RuleException(where + ": \"effectiveFrom\" must be epoch millis or an ISO-8601 instant (got "
                    + quote(n.asText()) + ")");
        }
    }
}
