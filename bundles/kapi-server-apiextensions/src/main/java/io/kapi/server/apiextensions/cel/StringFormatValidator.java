package io.kapi.server.apiextensions.cel;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.validator.CelAstValidator;
import io.kapi.server.apiextensions.cel.StringFormat.FormatError;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * cel-go's {@code stringFormatValidator} (always on in the strings extension kube uses): a
 * {@code format} call on a string literal with a list literal is checked at compile time. The format
 * string must parse, each clause must suit the checked type of its argument (a {@code dyn} argument
 * passes; {@code %s} looks into list and map literals), and every argument must be used. Errors are
 * cel-go's texts, at the argument at fault or else at the call.
 */
final class StringFormatValidator implements CelAstValidator {
    static final StringFormatValidator INSTANCE = new StringFormatValidator();

    private static final Set<CelKind> STRING_KINDS = Set.of(CelKind.LIST, CelKind.MAP, CelKind.INT, CelKind.UINT,
            CelKind.DOUBLE, CelKind.BOOL, CelKind.STRING, CelKind.TIMESTAMP, CelKind.BYTES, CelKind.DURATION,
            CelKind.TYPE, CelKind.NULL_TYPE);

    private StringFormatValidator() {
    }

    @Override
    public void validate(CelNavigableAst ast, Cel cel, IssuesFactory issues) {
        CelAbstractSyntaxTree a = ast.getAst();
        ast.getRoot().allNodes().map(n -> n.expr()).filter(e -> matches(a, e)).forEach(e -> {
            CelExpr.CelCall call = e.call();
            String format = call.target().get().constant().stringValue();
            List<CelExpr> args = call.args().get(0).list().elements();
            Checker checker = new Checker(a, args);
            try {
                StringFormat.parse(format, checker, args.size(), false);
            } catch (FormatError err) {
                issues.addError(err.argument >= 0 ? err.argument : e.id(), err.getMessage());
                return;
            }
            if (args.size() > checker.requested) {
                issues.addError(e.id(), "too many arguments supplied to string.format (expected " + checker.requested
                        + ", got " + args.size() + ")");
            }
        });
    }

    /** cel-go's {@code matchConstantFormatStringWithListLiteralArgs}. */
    private static boolean matches(CelAbstractSyntaxTree a, CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL) {
            return false;
        }
        CelExpr.CelCall call = e.call();
        if (call.target().isEmpty() || !call.function().equals("format")) {
            return false;
        }
        List<String> overloads = a.getReference(e.id()).map(r -> (List<String>) r.overloadIds()).orElse(List.of());
        if (!overloads.isEmpty() && !overloads.contains(StringFormat.OVERLOAD)) {
            return false;
        }
        CelExpr target = call.target().get();
        if (target.getKind() != CelExpr.ExprKind.Kind.CONSTANT || target.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            return false;
        }
        return call.args().size() == 1 && call.args().get(0).getKind() == CelExpr.ExprKind.Kind.LIST;
    }

    /** cel-go's {@code stringFormatChecker}: the clauses on the checked types of the list literal's elements. */
    private static final class Checker implements StringFormat.Clauses {
        private final CelAbstractSyntaxTree ast;
        private final List<CelExpr> args;
        int requested;

        Checker(CelAbstractSyntaxTree ast, List<CelExpr> args) {
            this.ast = ast;
            this.args = args;
        }

        private Optional<CelType> type(long id) {
            return ast.getType(id);
        }

        private String typeName(long id) {
            return type(id).map(CelType::name).orElse("dyn");
        }

        private boolean oneOf(long id, CelKind... kinds) {
            CelType t = type(id).orElse(null);
            if (t == null || t.kind() == CelKind.DYN) {
                return true;
            }
            for (CelKind k : kinds) {
                if (t.kind() == k) {
                    return true;
                }
            }
            return false;
        }

        private long use(int arg) {
            requested++;
            return args.get(arg).id();
        }

        /** The id of the first (nested) literal element {@code %s} cannot render, or -1. */
        private long unstringable(CelExpr e) {
            CelType t = type(e.id()).orElse(null);
            if (t != null && t.kind() != CelKind.DYN && !STRING_KINDS.contains(t.kind())) {
                return e.id();
            }
            if (e.getKind() == CelExpr.ExprKind.Kind.LIST) {
                for (CelExpr el : e.list().elements()) {
                    long bad = unstringable(el);
                    if (bad >= 0) {
                        return bad;
                    }
                }
            } else if (e.getKind() == CelExpr.ExprKind.Kind.MAP) {
                for (CelExpr.CelMap.Entry en : e.map().entries()) {
                    long bad = unstringable(en.key());
                    if (bad < 0) {
                        bad = unstringable(en.value());
                    }
                    if (bad >= 0) {
                        return bad;
                    }
                }
            }
            return -1;
        }

        @Override
        public String string(int arg) throws FormatError {
            use(arg);
            long bad = unstringable(args.get(arg));
            if (bad >= 0) {
                throw StringFormat.stringError(typeName(bad), (int) bad);
            }
            return "";
        }

        @Override
        public String decimal(int arg) throws FormatError {
            long id = use(arg);
            if (!oneOf(id, CelKind.INT, CelKind.UINT)) {
                throw StringFormat.decimalError(typeName(id), (int) id);
            }
            return "";
        }

        @Override
        public String fixed(int arg, Integer precision) throws FormatError {
            long id = use(arg);
            if (!oneOf(id, CelKind.DOUBLE, CelKind.STRING)) {
                throw StringFormat.fixedError(typeName(id), (int) id);
            }
            return "";
        }

        @Override
        public String scientific(int arg, Integer precision) throws FormatError {
            long id = use(arg);
            if (!oneOf(id, CelKind.DOUBLE, CelKind.STRING)) {
                throw StringFormat.scientificError(typeName(id), (int) id);
            }
            return "";
        }

        @Override
        public String binary(int arg) throws FormatError {
            long id = use(arg);
            if (!oneOf(id, CelKind.INT, CelKind.UINT, CelKind.BOOL)) {
                throw StringFormat.binaryError(typeName(id), (int) id);
            }
            return "";
        }

        @Override
        public String hex(int arg, boolean upper) throws FormatError {
            long id = use(arg);
            if (!oneOf(id, CelKind.INT, CelKind.UINT, CelKind.STRING, CelKind.BYTES)) {
                throw StringFormat.hexError(typeName(id), (int) id);
            }
            return "";
        }

        @Override
        public String octal(int arg) throws FormatError {
            long id = use(arg);
            if (!oneOf(id, CelKind.INT, CelKind.UINT)) {
                throw StringFormat.octalError(typeName(id), (int) id);
            }
            return "";
        }
    }
}
