package io.cxstream.rules;

import io.cxstream.rules.DirectConditions.Int;
import io.cxstream.rules.DirectConditions.Logic;
import io.cxstream.rules.DirectConditions.Text;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

import static io.cxstream.rules.DirectConditions.ERROR;
import static io.cxstream.rules.DirectConditions.FALSE;
import static io.cxstream.rules.DirectConditions.TRUE;

/**
 * Builds {@link DirectConditions}' trees from a checked CEL expression: a node per boolean constant,
 * {@code && || !}, {@code ? :}, comparison, {@code in} and string test of the subset, over operands
 * built by {@link DirectOperandBuilder}, or null as soon as anything is outside it.
 */
final class DirectConditionBuilder {
    private final DirectOperandBuilder operands;

    DirectConditionBuilder(CelAbstractSyntaxTree ast) {
        this.operands = new DirectOperandBuilder(ast, this);
    }

    Logic bool(CelExpr e) {
        if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE) {
            int b = e.constant().booleanValue() ? TRUE : FALSE;
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
            case "_&&_":
                return either(args, FALSE);
            case "_||_":
                return either(args, TRUE);
            case "!_": {
                Logic a = bool(args.get(0));
                return a == null ? null : v -> not(a.eval(v));
            }
            case "_?_:_": {
                Logic c = bool(args.get(0));
                Logic a = bool(args.get(1));
                Logic b = bool(args.get(2));
                return c == null || a == null || b == null
                        ? null
                        : v -> {
                            int test = c.eval(v);
                            return test == ERROR ? ERROR : test == TRUE ? a.eval(v) : b.eval(v);
                        };
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

    /** A string-valued expression ({@link DirectOperandBuilder#string}), for {@link DirectConditions#ofText}. */
    Text string(CelExpr e) {
        return operands.string(e);
    }

    /**
     * CEL's {@code &&} ({@code decides} FALSE) or {@code ||} ({@code decides} TRUE): either side
     * with that answer decides, whatever the other (an error included); else an error if either is one.
     */
    private Logic either(List<CelExpr> args, int decides) {
        Logic a = bool(args.get(0));
        Logic b = bool(args.get(1));
        if (a == null || b == null) {
            return null;
        }
        return v -> {
            int x = a.eval(v);
            if (x == decides) {
                return decides;
            }
            int y = b.eval(v);
            return y == decides ? decides : x == ERROR || y == ERROR ? ERROR : x;
        };
    }

    private Logic compare(String fn, CelExpr left, CelExpr right) {
        Int a = operands.integer(left);
        Int b = operands.integer(right);
        if (a != null && b != null) {
            switch (fn) {
                case "_==_":
                    return v -> of(a.value(v) == b.value(v));
                case "_!=_":
                    return v -> of(a.value(v) != b.value(v));
                case "_<_":
                    return v -> of(a.value(v) < b.value(v));
                case "_<=_":
                    return v -> of(a.value(v) <= b.value(v));
                case "_>_":
                    return v -> of(a.value(v) > b.value(v));
                default:
                    return v -> of(a.value(v) >= b.value(v));
            }
        }
        boolean equal = fn.equals("_==_");
        if (!equal && !fn.equals("_!=_")) {
            return null; // string order: CEL compares code points, Java's compareTo UTF-16 units
        }
        Text s = operands.string(left);
        Text t = operands.string(right);
        if (s == null || t == null) {
            return null;
        }
        return v -> {
            String x = s.value(v);
            String y = x == null ? null : t.value(v);
            return y == null ? ERROR : of(x.equals(y) == equal);
        };
    }

    private Logic in(CelExpr element, CelExpr list) {
        if (operands.isAttributes(list)) {
            Text key = operands.string(element);
            return key == null
                    ? null
                    : v -> {
                        String k = key.value(v);
                        return k == null ? ERROR : of(v.attributes().containsKey(k));
                    };
        }
        if (list.getKind() != CelExpr.ExprKind.Kind.LIST) {
            return null;
        }
        List<CelExpr> items = list.list().elements();
        Int a = operands.integer(element);
        if (a != null) {
            long[] values = new long[items.size()];
            for (int i = 0; i < values.length; i++) {
                Long c = DirectOperandBuilder.intConstant(items.get(i));
                if (c == null) {
                    return null;
                }
                values[i] = c;
            }
            return v -> of(contains(values, a.value(v)));
        }
        Text s = operands.string(element);
        if (s == null) {
            return null;
        }
        Set<String> values = new HashSet<>();
        for (CelExpr item : items) {
            String c = DirectOperandBuilder.stringConstant(item);
            if (c == null) {
                return null;
            }
            values.add(c);
        }
        return v -> {
            String x = s.value(v);
            return x == null ? ERROR : of(values.contains(x));
        };
    }

    private Logic stringTest(String fn, CelExpr target, List<CelExpr> args) {
        Text s = operands.string(target);
        Text t = args.size() == 1 ? operands.string(args.get(0)) : null;
        if (s == null || t == null) {
            return null;
        }
        BiPredicate<String, String> test;
        switch (fn) {
            case "startsWith":
                test = String::startsWith;
                break;
            case "endsWith":
                test = String::endsWith;
                break;
            case "contains":
                test = String::contains;
                break;
            default:
                return null;
        }
        return v -> {
            String x = s.value(v);
            String y = x == null ? null : t.value(v);
            return y == null ? ERROR : of(test.test(x, y));
        };
    }

    private static int of(boolean b) {
        return b ? TRUE : FALSE;
    }

    private static int not(int x) {
        return x == ERROR ? ERROR : x == TRUE ? FALSE : TRUE;
    }

    private static boolean contains(long[] values, long x) {
        for (long value : values) {
            if (value == x) {
                return true;
            }
        }
        return false;
    }
}
