package io.cxstream.rules;

import io.cxstream.avro.Priority;

/**
 * A {@link Rule} with its conditions compiled, ready to evaluate. Built once per rule version
 * and operator instance ({@link RuleSet}); never serialized.
 */
final class CompiledRule {
    /** The roles an event can play for a rule (stored in {@code RuleHit.role}). */
    static final int ROLE_WHEN = 0;
    /** count: clears the count; absence: the event that must not follow. */
    static final int ROLE_OTHER = 1;
    /** sequence: the second step. */
    static final int ROLE_THEN = 2;

    final Rule rule;
    final Condition when;
    /** resetWhen, missing or then; null for single and for count without resetWhen. */
    final Condition other;
    /** Null when the priority is a literal. */
    final Condition priorityExpression;

    final Priority fixedPriority;
    final long windowMillis;

    private CompiledRule(
            Rule rule, Condition when, Condition other, Condition priorityExpression, Priority fixedPriority) {
        this.rule = rule;
        this.when = when;
        this.other = other;
        this.priorityExpression = priorityExpression;
        this.fixedPriority = fixedPriority;
        this.windowMillis = rule.pattern.within.toMillis();
    }

    /** Compiles and type-checks every expression of the rule. */
    static CompiledRule compile(Rule rule, Conditions conditions) throws RuleException {
        String where = "rule " + rule.id + " v" + rule.version;
        Rule.PatternSpec p = rule.pattern;
        String whenField = p.kind == Rule.Kind.SEQUENCE ? "first" : "when";
        Condition when = conditions.condition(p.when, where + " \"" + whenField + "\"");
        Condition other = null;
        if (p.other != null) {
            String field = p.kind == Rule.Kind.COUNT ? "resetWhen" : p.kind == Rule.Kind.ABSENCE ? "missing" : "then";
            other = conditions.condition(p.other, where + " \"" + field + "\"");
        }
        Priority fixed = literalPriority(rule.priority);
        Condition priority = fixed == null ? conditions.text(rule.priority, where + " \"priority\"") : null;
        return new CompiledRule(rule, when, other, priority, fixed);
    }

    private static Priority literalPriority(String p) {
        for (Priority value : Priority.values()) {
            if (value.name().equals(p)) {
                return value;
            }
        }
        return null;
    }

    /** The priority for a match whose last evidence the variables point at; P3 if the expression gives no P1..P4. */
    Priority priority(EventVariables last) {
        if (fixedPriority != null) {
            return fixedPriority;
        }
        Priority p = literalPriority(priorityExpression.text(last));
        return p != null ? p : Priority.P3;
    }

    boolean stateful() {
        return rule.pattern.stateful();
    }

    @Override
    public String toString() {
        return rule.toString();
    }
}
