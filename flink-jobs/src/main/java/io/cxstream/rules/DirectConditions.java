package io.cxstream.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checked CEL conditions evaluated by plain Java when they use only what cannot fail: the string and
 * int variables of {@link Conditions#VARIABLES}, string and int constants, {@code == != < <= > >=}
 * (strings: {@code ==} and {@code !=}), {@code in} a list of constants, {@code lowerAscii()},
 * {@code startsWith}, {@code endsWith} and {@code contains}, joined by {@code && || !} and {@code ? :}
 * (also for a string-valued priority). Such an
 * expression has no error case (every variable always has a value), so CEL's logic operators reduce
 * to Java's and the result is CEL's ({@code DirectConditionsTest} checks it against CEL on random
 * expressions and events). Anything else (attribute lookups, the journey's touchpoint list, other
 * functions) stays with CEL. Why: see docs/rule-engine.md ("Evaluating conditions").
 */
final class DirectConditions {
    private DirectConditions() {}

    /** A condition evaluated without CEL. */
    interface Test {
        boolean test(EventVariables vars);
    }

    private interface Int {
        long value(EventVariables vars);
    }

    /** A string expression evaluated without CEL. */
    interface Text {
        String value(EventVariables vars);
    }

    /** The checked expression as a {@link Test}, or null when it uses anything outside the subset above. */
    static Test of(CelAbstractSyntaxTree ast) {
        return new Builder(ast).bool(ast.getExpr());
    }

    /**
     * A checked string expression (a rule's priority) as a {@link Text}: string constants and variables,
     * {@code lowerAscii()}, and {@code c ? a : b} of such with a condition of the subset; else null.
     */
    static Text ofText(CelAbstractSyntaxTree ast) {
        return new Builder(ast).string(ast.getExpr());
    }

    private static final class Builder {
        private final CelAbstractSyntaxTree ast;

        Builder(CelAbstractSyntaxTree ast) {
            this.ast = ast;
        }

        Test bool(CelExpr e) {
            if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                    && e.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE) {
                boolean b = e.constant().booleanValue();
                return v -> b;
            }
            if (e.getKind() != CelExpr.ExprKind.Kind.CALL) {
                return null;
            }
            CelExpr.CelCall call = e.call();
            List<CelExpr> args = call.args();
            if (call.target().isPresent()) {
                return stringTest(call.function(), call.target().get(), args);
            }
            switch (call.function()) {
                case "_&&_": {
                    Test a = bool(args.get(0));
                    Test b = bool(args.get(1));
                    return a == null || b == null ? null : v -> a.test(v) && b.test(v);
                }
                case "_||_": {
                    Test a = bool(args.get(0));
                    Test b = bool(args.get(1));
                    return a == null || b == null ? null : v -> a.test(v) || b.test(v);
                }
                case "!_": {
                    Test a = bool(args.get(0));
                    return a == null ? null : v -> !a.test(v);
                }
                case "_?_:_": {
                    Test c = bool(args.get(0));
                    Test a = bool(args.get(1));
                    Test b = bool(args.get(2));
                    return c == null || a == null || b == null ? null : v -> c.test(v) ? a.test(v) : b.test(v);
                }
                case "@in":
                    return in(args.get(0), args.get(1));
                case "_==_":
                case "_!=_":
                case "_<_":
                case "_<=_":
                case "_>_":
                case "_>=_":
                    return compare(call.function(), args.get(0), args.get(1));
                default:
                    return null;
            }
        }

        private Test compare(String fn, CelExpr left, CelExpr right) {
            Int a = integer(left);
            Int b = integer(right);
            if (a != null && b != null) {
                switch (fn) {
                    case "_==_":
                        return v -> a.value(v) == b.value(v);
                    case "_!=_":
                        return v -> a.value(v) != b.value(v);
                    case "_<_":
                        return v -> a.value(v) < b.value(v);
                    case "_<=_":
                        return v -> a.value(v) <= b.value(v);
                    case "_>_":
                        return v -> a.value(v) > b.value(v);
                    default:
                        return v -> a.value(v) >= b.value(v);
                }
            }
            Text s = string(left);
            Text t = string(right);
            if (s == null || t == null) {
                return null;
            }
            switch (fn) {
                case "_==_":
                    return v -> s.value(v).equals(t.value(v));
                case "_!=_":
                    return v -> !s.value(v).equals(t.value(v));
                default:
                    return null; // string order: CEL compares code points, Java's compareTo UTF-16 units
            }
        }

        private Test in(CelExpr element, CelExpr list) {
            if (list.getKind() != CelExpr.ExprKind.Kind.LIST) {
                return null;
            }
            List<CelExpr> items = list.list().elements();
            Int a = integer(element);
            if (a != null) {
                long[] values = new long[items.size()];
                for (int i = 0; i < values.length; i++) {
                    Long c = intConstant(items.get(i));
                    if (c == null) {
                        return null;
                    }
                    values[i] = c;
                }
                return v -> contains(values, a.value(v));
            }
            Text s = string(element);
            if (s == null) {
                return null;
            }
            Set<String> values = new HashSet<>();
            for (CelExpr item : items) {
                String c = stringConstant(item);
                if (c == null) {
                    return null;
                }
                values.add(c);
            }
            return v -> values.contains(s.value(v));
        }

        private Test stringTest(String fn, CelExpr target, List<CelExpr> args) {
            Text s = string(target);
            Text t = args.size() == 1 ? string(args.get(0)) : null;
            if (s == null || t == null) {
                return null;
            }
            switch (fn) {
                case "startsWith":
                    return v -> s.value(v).startsWith(t.value(v));
                case "endsWith":
                    return v -> s.value(v).endsWith(t.value(v));
                case "contains":
                    return v -> s.value(v).contains(t.value(v));
                default:
                    return null;
            }
        }

        private Int integer(CelExpr e) {
            Long c = intConstant(e);
            if (c != null) {
                long value = c;
                return v -> value;
            }
            int id = variable(e, SimpleType.INT);
            return id < 0 ? null : v -> v.integer(id);
        }

        private Text string(CelExpr e) {
            String c = stringConstant(e);
            if (c != null) {
                return v -> c;
            }
            if (e.getKind() == CelExpr.ExprKind.Kind.CALL
                    && e.call().function().equals("_?_:_")
                    && e.call().args().size() == 3) {
                Test test = bool(e.call().args().get(0));
                Text a = string(e.call().args().get(1));
                Text b = string(e.call().args().get(2));
                return test == null || a == null || b == null ? null : v -> test.test(v) ? a.value(v) : b.value(v);
            }
            if (e.getKind() == CelExpr.ExprKind.Kind.CALL
                    && e.call().function().equals("lowerAscii")
                    && e.call().target().isPresent()
                    && e.call().args().isEmpty()) {
                Text s = string(e.call().target().get());
                return s == null ? null : v -> lowerAscii(s.value(v));
            }
            int id = variable(e, SimpleType.STRING);
            return id < 0 ? null : v -> v.string(id);
        }

        /** The {@link EventVariables} id of a declared variable of this type, or -1. */
        private int variable(CelExpr e, CelType type) {
            if (e.getKind() != CelExpr.ExprKind.Kind.SELECT && e.getKind() != CelExpr.ExprKind.Kind.IDENT) {
                return -1;
            }
            Optional<CelReference> ref = ast.getReference(e.id());
            if (ref.isEmpty() || ref.get().value().isPresent()) {
                return -1;
            }
            String name = ref.get().name();
            return type.equals(Conditions.VARIABLES.get(name)) ? EventVariables.idOf(name) : -1;
        }
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

    private static boolean contains(long[] values, long x) {
        for (long value : values) {
            if (value == x) {
                return true;
            }
        }
        return false;
    }

    private static Long intConstant(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.INT64_VALUE
                ? e.constant().int64Value()
                : null;
    }

    private static String stringConstant(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? e.constant().stringValue()
                : null;
    }
}
