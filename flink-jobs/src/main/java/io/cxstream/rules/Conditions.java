package io.cxstream.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles rule conditions with Google's CEL: a sandboxed, side-effect-free expression language
 * without unbounded loops. Each expression is parsed and type-checked once against the declared
 * {@link #VARIABLES} (an unknown field or a type error is a rejected rule) and evaluated per event
 * with no reflection and no user code. Not thread-safe to share the result's evaluation state;
 * compile per operator instance.
 */
public final class Conditions {
    /** The variables a condition may use, with their CEL types. */
    public static final Map<String, CelType> VARIABLES = variables();

    private static final CelOptions OPTIONS =
            CelOptions.current().comprehensionMaxIterations(1000).build();

    private final CelCompiler boolCompiler;
    private final CelCompiler stringCompiler;
    private final CelRuntime runtime;

    public Conditions() {
        this.boolCompiler = compiler(SimpleType.BOOL);
        this.stringCompiler = compiler(SimpleType.STRING);
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(OPTIONS)
                .addLibraries(CelExtensions.strings())
                .build();
    }

    private static CelCompiler compiler(CelType result) {
        var builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .addLibraries(CelExtensions.strings())
                .setResultType(result);
        VARIABLES.forEach(builder::addVar);
        return builder.build();
    }

    private static Map<String, CelType> variables() {
        Map<String, CelType> v = new LinkedHashMap<>();
        v.put("event.kind", SimpleType.STRING);
        v.put("event.type", SimpleType.STRING);
        v.put("event.metric", SimpleType.STRING);
        v.put("event.score", SimpleType.INT);
        v.put("event.normalizedScore", SimpleType.INT);
        v.put("event.npsCategory", SimpleType.STRING);
        v.put("event.channel", SimpleType.STRING);
        v.put("event.touchpoint", SimpleType.STRING);
        v.put("event.agentId", SimpleType.STRING);
        v.put(EventVariables.ATTRIBUTES, MapType.create(SimpleType.STRING, SimpleType.STRING));
        v.put("journey.stage", SimpleType.STRING);
        v.put("journey.segment", SimpleType.STRING);
        v.put("journey.churnRisk", SimpleType.INT);
        v.put("journey.lastNps", SimpleType.INT);
        v.put("journey.lastCsat", SimpleType.INT);
        v.put("journey.lastCes", SimpleType.INT);
        v.put("journey.recentTouchpoints", ListType.create(SimpleType.STRING));
        return java.util.Collections.unmodifiableMap(v);
    }

    /** A boolean condition; {@code where} names the rule and field in the error. */
    Condition condition(String source, String where) throws RuleException {
        CelAbstractSyntaxTree ast = check(boolCompiler, source, where);
        Keys keys = keyTerms(ast, ast.getExpr());
        return new Condition(
                source,
                keys == null ? null : keys.set,
                keys != null && keys.decide,
                program(ast, where),
                DirectConditions.of(ast),
                null);
    }

    /** A string expression (a rule's computed priority). */
    Condition text(String source, String where) throws RuleException {
        CelAbstractSyntaxTree ast = check(stringCompiler, source, where);
        return new Condition(source, null, false, program(ast, where), null, DirectConditions.ofText(ast));
    }

    private static CelAbstractSyntaxTree check(CelCompiler compiler, String source, String where) throws RuleException {
        CelValidationResult result = compiler.compile(source);
        if (result.hasError()) {
            throw new RuleException(where + ": " + result.getErrorString().replace('\n', ' '));
        }
        try {
            return result.getAst();
        } catch (CelValidationException e) {
            throw new RuleException(where + ": " + e.getMessage());
        }
    }

    private CelRuntime.Program program(CelAbstractSyntaxTree ast, String where) throws RuleException {
        try {
            return runtime.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new RuleException(where + ": " + e.getMessage());
        }
    }

    /**
     * The event keys a match needs ({@code set}), from the expression's top-level terms:
     * {@code event.type == 'X'}, {@code event.type in ['X', 'Y']}, the same for {@code event.metric},
     * combined through {@code &&} (either side suffices) and {@code ||} (both sides needed); null: any
     * event. {@code decide}: the expression is only such terms joined by {@code ||}, so an event of one
     * of the keys always matches.
     */
    private static final class Keys {
        final Set<String> set;
        final boolean decide;

        Keys(Set<String> set, boolean decide) {
            this.set = set;
            this.decide = decide;
        }
    }

    private static Keys keyTerms(CelAbstractSyntaxTree ast, CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL) {
            return null;
        }
        String fn = e.call().function();
        var args = e.call().args();
        switch (fn) {
            case "_&&_": {
                Keys a = keyTerms(ast, args.get(0));
                Keys b = keyTerms(ast, args.get(1));
                Keys fewer = a == null ? b : b == null || a.set.size() <= b.set.size() ? a : b;
                return fewer == null ? null : new Keys(fewer.set, false);
            }
            case "_||_": {
                Keys a = keyTerms(ast, args.get(0));
                Keys b = keyTerms(ast, args.get(1));
                if (a == null || b == null) {
                    return null;
                }
                Set<String> both = new HashSet<>(a.set);
                both.addAll(b.set);
                return new Keys(both, a.decide && b.decide);
            }
            case "_==_": {
                String field = keyField(ast, args.get(0));
                String value = DirectOperandBuilder.stringConstant(args.get(1));
                if (field == null) {
                    field = keyField(ast, args.get(1));
                    value = DirectOperandBuilder.stringConstant(args.get(0));
                }
                return field != null && value != null ? new Keys(Set.of(field + ":" + value), true) : null;
            }
            case "@in": {
                String field = keyField(ast, args.get(0));
                if (field == null || args.get(1).getKind() != CelExpr.ExprKind.Kind.LIST) {
                    return null;
                }
                Set<String> values = new HashSet<>();
                for (CelExpr item : args.get(1).list().elements()) {
                    String v = DirectOperandBuilder.stringConstant(item);
                    if (v == null) {
                        return null;
                    }
                    values.add(field + ":" + v);
                }
                return new Keys(values, true);
            }
            default:
                return null;
        }
    }

    /** "type" or "metric" when the expression is the variable event.type or event.metric. */
    private static String keyField(CelAbstractSyntaxTree ast, CelExpr e) {
        Optional<CelReference> ref = ast.getReference(e.id());
        if (ref.isEmpty()) {
            return null;
        }
        String name = ref.get().name();
        return "event.type".equals(name) ? "type" : "event.metric".equals(name) ? "metric" : null;
    }
}
