package io.kapi.server.apiextensions.cel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.validator.CelAstValidator;
import java.util.List;
import java.util.Optional;

/**
 * Regular expression literals checked with RE2's syntax (re2j), as kube's CEL does: a literal
 * {@code matches} pattern that does not compile is a compilation issue ({@code invalid matches
 * argument}, cel-go's {@code ValidateRegexLiterals}); a literal {@code find}/{@code findAll} pattern
 * fails program instantiation (kube's regex library compiles them then) with Go's error text.
 */
final class RegexLiterals implements CelAstValidator {
    static final RegexLiterals INSTANCE = new RegexLiterals();

    private RegexLiterals() {
    }

    @Override
    public void validate(CelNavigableAst ast, Cel cel, IssuesFactory issues) {
        ast.getRoot().allNodes().forEach(n -> literalPattern(n.expr(), List.of("matches"))
                .filter(p -> error(p) != null).ifPresent(p -> issues.addError(patternExprId(n.expr()), "invalid matches argument")));
    }

    /** RE2's error for the first literal {@code find}/{@code findAll} pattern that does not compile, or null. */
    static String findError(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .map(n -> literalPattern(n.expr(), List.of("find", "findAll")).map(RegexLiterals::error).orElse(null))
                .filter(e -> e != null).findFirst().orElse(null);
    }

    private static Optional<String> literalPattern(CelExpr e, List<String> functions) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL || !functions.contains(e.call().function())) {
            return Optional.empty();
        }
        CelExpr arg = patternArg(e);
        if (arg == null || arg.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                || arg.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            return Optional.empty();
        }
        return Optional.of(arg.constant().stringValue());
    }

    /** The pattern argument: the first argument of a member call, the second of a global one. */
    private static CelExpr patternArg(CelExpr e) {
        List<CelExpr> args = e.call().args();
        int i = e.call().target().isPresent() ? 0 : 1;
        return args.size() > i ? args.get(i) : null;
    }

    private static long patternExprId(CelExpr e) {
        CelExpr arg = patternArg(e);
        return arg == null ? e.id() : arg.id();
    }

    static String error(String pattern) {
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException ex) {
            // re2j reports an unmatched ')' as an internal error where Go's regexp says so
            return ex.getMessage().contains("internal error: `stack underflow`")
                    ? "error parsing regexp: unexpected ): `" + pattern + "`" : ex.getMessage();
        }
    }
}
