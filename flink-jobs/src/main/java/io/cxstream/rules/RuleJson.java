package io.cxstream.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The generic JSON readers of {@link RuleParser}: a field of a JSON object as a string, boolean or
 * duration (missing or null: the default), its unknown fields, and the text itself. Every failure is a
 * {@link RuleException} that starts with {@code where}, the rule (and part of it) being read.
 */
final class RuleJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RuleJson() {}

    /** {@code json} as a tree; {@code what} ("rule", "rule file") names it in the error. */
    static JsonNode read(String json, String what) throws RuleException {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new RuleException(what + ": empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RuleException(what + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A string field; {@code where} null: "rule" (the id is not known yet). */
    static String text(JsonNode node, String field, String dflt, String where) throws RuleException {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new RuleException((where == null ? "rule" : where) + ": \"" + field + "\" must be a string");
        }
        return n.textValue();
    }

    /** A true-or-false field. */
    static boolean bool(JsonNode node, String field, boolean dflt, String where) throws RuleException {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new RuleException(where + ": \"" + field + "\" must be true or false");
        }
        return n.booleanValue();
    }

    /** A duration field in Flink's notation ({@code "10 min"}, {@code "24 h"}). */
    static Duration duration(JsonNode node, String field, Duration dflt, String where) throws RuleException {
        String s = text(node, field, null, where);
        if (s == null) {
            return dflt;
        }
        try {
            return TimeUtils.parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw new RuleException(where + ": \"" + field + "\" is not a duration such as \"10 min\" or \"24 h\" (got "
                    + quote(s) + ")");
        }
    }

    /** Rejects the first field of {@code node} not in {@code known}, listing the known ones. */
    static void unknownFields(JsonNode node, Set<String> known, String where) throws RuleException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new RuleException(where + ": unknown field \"" + name + "\" (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** A value for an error message: in double quotes, or "nothing" for null. */
    static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}
