package io.cxstream.rules;

import io.cxstream.journey.JourneyEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * A rule's optional {@code "loop"} object: what resolves its outreach by itself ({@code resolvedBy}, a CEL
 * condition over a later event of the customer, the same variables as the rule's own conditions), for how long
 * after the trigger ({@code within}), and the rule's own time to ack ({@code ackSla}, overriding the route's).
 * Checked when the rule is parsed; the condition is compiled on first use on each task (CEL programs are not
 * serializable). Immutable apart from that compiled condition.
 */
public final class LoopSpec implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> FIELDS = Set.of("resolvedBy", "within", "ackSla");
    private static final ObjectMapper JSON = new ObjectMapper();

    public final String ruleId;
    /** CEL source, or null: nothing resolves it by itself. */
    public final String resolvedBy;
    /** How long after the trigger a resolving event counts (event time); null with no resolvedBy. */
    public final Duration within;
    /** The rule's own time to ack, or null: the route's and priority's. */
    public final Duration ackSla;

    private transient Condition condition;
    private transient EventVariables vars;

    LoopSpec(String ruleId, String resolvedBy, Duration within, Duration ackSla) {
        this.ruleId = ruleId;
        this.resolvedBy = resolvedBy;
        this.within = within;
        this.ackSla = ackSla;
    }

    /** The loop spec of one rule's JSON, or null when the rule has none. */
    public static LoopSpec ofRuleJson(String ruleJson) throws RuleException {
        try {
            JsonNode rule = JSON.readTree(ruleJson);
            return parse(
                    rule.path("id").asText(),
                    rule.get("loop"),
                    "rule " + rule.path("id").asText());
        } catch (IOException e) {
            throw new RuleException("rule: not valid JSON: " + e.getMessage());
        }
    }

    /** Parses and checks a {@code "loop"} node (null or missing: null). */
    static LoopSpec parse(String ruleId, JsonNode node, String where) throws RuleException {
        if (node == null || node.isNull()) {
            return null;
        }
        String at = where + ": \"loop\"";
        if (!node.isObject()) {
            throw new RuleException(at + " must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new RuleException(at + ": unknown field \"" + name + "\" (known: ackSla, resolvedBy, within)");
            }
        }
        String resolvedBy =
                node.hasNonNull("resolvedBy") ? node.get("resolvedBy").asText() : null;
        Duration within = duration(node, "within", at);
        if ((resolvedBy == null) != (within == null)) {
            throw new RuleException(at + ": \"resolvedBy\" and \"within\" go together");
        }
        if (resolvedBy != null) {
            if (resolvedBy.length() > RuleLimits.MAX_EXPRESSION_LENGTH) {
                throw new RuleException(
                        at + ": \"resolvedBy\" is longer than " + RuleLimits.MAX_EXPRESSION_LENGTH + " characters");
            }
            new Conditions().condition(resolvedBy, at + " resolvedBy"); // type-checks it now
        }
        return new LoopSpec(ruleId, resolvedBy, within, duration(node, "ackSla", at));
    }

    private static Duration duration(JsonNode node, String field, String at) throws RuleException {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            Duration d = TimeUtils.parseDuration(n.asText());
            if (d.isZero() || d.isNegative()) {
                throw new RuleException(at + ": \"" + field + "\" must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new RuleException(
                    at + ": \"" + field + "\" is not a duration such as \"15 min\" (got \"" + n.asText() + "\")");
        }
    }

    /** Whether {@code event} resolves this rule's outreach (ignoring time; the caller checks {@link #within}). */
    public boolean resolves(JourneyEvent event) {
        if (resolvedBy == null) {
            return false;
        }
        if (condition == null) {
            try {
                condition = new Conditions().condition(resolvedBy, "rule " + ruleId + " loop.resolvedBy");
            } catch (RuleException e) {
                throw new IllegalStateException(e.getMessage(), e); // checked at parse time: not expected
            }
            vars = new EventVariables();
        }
        String key = RuleSet.keyOf(event);
        if (condition.keys != null && (key == null || !condition.keys.contains(key))) {
            return false; // not an event of the types or metrics the condition is about: no need to evaluate it
        }
        return condition.matches(vars.of(event, null));
    }
}
