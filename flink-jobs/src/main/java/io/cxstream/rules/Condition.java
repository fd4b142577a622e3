package io.cxstream.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

import java.util.Set;

/**
 * One compiled, type-checked CEL condition. {@link #keys} says which events can match at all
 * ({@code type:PAYMENT_FAILED}, {@code metric:NPS}; null = any event), read from the expression's
 * top-level terms, so most events skip evaluation altogether; when the keys alone decide
 * ({@code event.type == 'ORDER_PLACED'}, {@code event.type in [...]}, such terms joined by {@code ||}),
 * an event of one of them matches without evaluation ({@link #matches}).
 */
final class Condition {
    final String source;
    final Set<String> keys;
    final boolean keysDecide;
    private final CelRuntime.Program program;
    /** The same condition in plain Java, when it can be ({@link DirectConditions}); null: CEL evaluates it. */
    private final DirectConditions.Test direct;
    /** The same string expression in plain Java, when it can be; null: CEL evaluates it (or not a string one). */
    private final DirectConditions.Text directText;

    Condition(
            String source,
            Set<String> keys,
            boolean keysDecide,
            CelRuntime.Program program,
            DirectConditions.Test direct,
            DirectConditions.Text directText) {
        this.source = source;
        this.keys = keys;
        this.keysDecide = keysDecide;
        this.program = program;
        this.direct = direct;
        this.directText = directText;
    }

    /**
     * {@link #test}, for an event of one of {@link #keys} (the rule set's index found it by one), or any
     * event when the condition names no key: where the keys decide, no evaluation.
     */
    boolean matches(EventVariables vars) {
        return keysDecide || test(vars);
    }

    /** Whether the event the variables point at matches; an evaluation error (e.g. a missing map key) is no match. */
    boolean test(EventVariables vars) {
        if (direct != null) {
            return direct.test(vars);
        }
        return testWithCel(vars);
    }

    /** {@link #test} by CEL's interpreter, whatever the expression. */
    boolean testWithCel(EventVariables vars) {
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /** Whether the condition (or string expression) is evaluated without CEL ({@link DirectConditions}). */
    boolean direct() {
        return direct != null || directText != null;
    }

    /** A string-valued expression (priority); null when it fails. */
    String text(EventVariables vars) {
        return directText != null ? directText.value(vars) : textWithCel(vars);
    }

    /** {@link #text} by CEL's interpreter, whatever the expression. */
    String textWithCel(EventVariables vars) {
        try {
            Object v = program.eval(vars);
            return v instanceof String ? (String) v : null;
        } catch (CelEvaluationException e) {
            return null;
        }
    }
}
