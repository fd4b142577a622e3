package io.cxstream.rules;

import io.cxstream.rules.DirectConditions.Int;
import io.cxstream.rules.DirectConditions.Logic;
import io.cxstream.rules.DirectConditions.Text;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;

import java.util.Optional;

import static io.cxstream.rules.DirectConditions.ERROR;
import static io.cxstream.rules.DirectConditions.TRUE;
import static io.cxstream.rules.DirectConditions.lowerAscii;

/**
 * Builds the operands of {@link DirectConditions}' trees from a checked CEL expression: int and string
 * constants, variables, attribute lookups, {@code lowerAscii()} and a string-valued {@code ? :} (whose
 * condition the {@link DirectConditionBuilder} builds), or null as soon as anything is outside the subset.
 */
final class DirectOperandBuilder {
    private final CelAbstractSyntaxTree ast;
    private final DirectConditionBuilder conditions;

    DirectOperandBuilder(CelAbstractSyntaxTree ast, DirectConditionBuilder conditions) {
        this.ast = ast;
        this.conditions = conditions;
    }

    Int integer(CelExpr e) {
        Long c = intConstant(e);
        if (c != null) {
            long value = c;
            return v -> value;
        }
        int id = variable(e, SimpleType.INT);
        return id < 0 ? null : v -> v.integer(id);
    }

    Text string(CelExpr e) {
        String c = stringConstant(e);
        if (c != null) {
            return v -> c;
        }
        if (e.getKind() == CelExpr.ExprKind.Kind.CALL
                && e.call().function().equals("_?_:_")
                && e.call().args().size() == 3) {
            Logic test = conditions.bool(e.call().args().get(0));
            Text a = string(e.call().args().get(1));
            Text b = string(e.call().args().get(2));
            return test == null || a == null || b == null
                    ? null
                    : v -> {
                        int chosen = test.eval(v);
                        return chosen == ERROR ? null : chosen == TRUE ? a.value(v) : b.value(v);
                    };
        }
        if (e.getKind() == CelExpr.ExprKind.Kind.CALL
                && e.call().function().equals("lowerAscii")
                && e.call().target().isPresent()
                && e.call().args().isEmpty()) {
            Text s = string(e.call().target().get());
            return s == null
                    ? null
                    : v -> {
                        String x = s.value(v);
                        return x == null ? null : lowerAscii(x);
                    };
        }
        Text attribute = attribute(e);
        if (attribute != null) {
            return attribute;
        }
        int id = variable(e, SimpleType.STRING);
        return id < 0 ? null : v -> v.string(id);
    }

    /** {@code event.attributes['k']} or {@code event.attributes.k}: the value, null (an error) when missing. */
    private Text attribute(CelExpr e) {
        if (e.getKind() == CelExpr.ExprKind.Kind.SELECT
                && !e.select().testOnly()
                && isAttributes(e.select().operand())) {
            String k = e.select().field();
            return v -> v.attributes().get(k);
        }
        if (e.getKind() == CelExpr.ExprKind.Kind.CALL
                && e.call().function().equals("_[_]")
                && e.call().target().isEmpty()
                && isAttributes(e.call().args().get(0))) {
            Text key = string(e.call().args().get(1));
            return key == null
                    ? null
                    : v -> {
                        String k = key.value(v);
                        return k == null ? null : v.attributes().get(k);
                    };
        }
        return null;
    }

    /** Whether {@code e} is the {@code event.attributes} variable. */
    boolean isAttributes(CelExpr e) {
        return (e.getKind() == CelExpr.ExprKind.Kind.IDENT || e.getKind() == CelExpr.ExprKind.Kind.SELECT)
                && ast.getReference(e.id())
                        .filter(r -> r.value().isEmpty() && r.name().equals(EventVariables.ATTRIBUTES))
                        .isPresent();
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

    static Long intConstant(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.INT64_VALUE
                ? e.constant().int64Value()
                : null;
    }

    static String stringConstant(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? e.constant().stringValue()
                : null;
    }
}
