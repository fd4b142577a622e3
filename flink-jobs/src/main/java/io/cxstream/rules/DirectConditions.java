package io.cxstream.rules;

import dev.cel.common.CelAbstractSyntaxTree;

/**
 * Checked CEL conditions evaluated by plain Java: the string and int variables of {@link
 * Conditions#VARIABLES}, {@code event.attributes} looked up by key ({@code m['k']}, {@code m.k}, {@code
 * 'k' in m}), string and int constants, {@code == != < <= > >=} (strings: {@code ==} and {@code !=}),
 * {@code in} a list of constants, {@code lowerAscii()}, {@code startsWith}, {@code endsWith} and
 * {@code contains}, joined by {@code && || !} and {@code ? :} (also for a string-valued priority).
 * Values and answers are CEL's, errors included: a missing attribute is an error that spreads through
 * comparisons, functions, {@code !} and a {@code ? :}'s condition, and that {@code &&} and {@code ||}
 * absorb commutatively (false {@code &&} error is false, true {@code ||} error is true); a condition
 * whose answer is an error does not match ({@code DirectConditionsTest} checks all of it against CEL
 * on random expressions and events). Anything else (the journey's touchpoint list, string order,
 * arithmetic, other functions) stays with CEL. Why: see docs/rule-engine.md ("Evaluating conditions").
 */
final class DirectConditions {
    private DirectConditions() {}

    /** A condition evaluated without CEL: whether it matches (an error does not). */
    interface Test {
        boolean test(EventVariables vars);
    }

    static final int FALSE = 0;
    static final int TRUE = 1;
    static final int ERROR = 2;

    /** A boolean expression: {@link #FALSE}, {@link #TRUE} or {@link #ERROR}, as CEL's answer would be. */
    interface Logic {
        int eval(EventVariables vars);
    }

    interface Int {
        long value(EventVariables vars);
    }

    /** A string expression evaluated without CEL; null: CEL's answer is an error. */
    interface Text {
        String value(EventVariables vars);
    }

    /** The checked expression as a {@link Test}, or null when it uses anything outside the subset above. */
    static Test of(CelAbstractSyntaxTree ast) {
        Logic logic = new DirectConditionBuilder(ast).bool(ast.getExpr());
        return logic == null ? null : v -> logic.eval(v) == TRUE;
    }

    /**
     * A checked string expression (a rule's priority) as a {@link Text}: string constants, variables and
     * attribute lookups, {@code lowerAscii()}, and {@code c ? a : b} of such with a condition of the
     * subset; else null.
     */
    static Text ofText(CelAbstractSyntaxTree ast) {
        return new DirectConditionBuilder(ast).string(ast.getExpr());
    }

    /** CEL's {@code lowerAscii()}: A–Z to a–z, every other character as it is. */
    static String lowerAscii(String s) {
        char[] chars = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = s.toCharArray();
                }
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return chars == null ? s : new String(chars);
    }
}
