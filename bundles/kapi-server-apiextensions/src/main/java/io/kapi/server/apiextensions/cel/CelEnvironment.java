package io.kapi.server.apiextensions.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import com.google.common.collect.ImmutableList;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.OptionalType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.DurationLiteralValidator;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.cel.validator.validators.TimestampLiteralValidator;

/**
 * The CEL environment of a rule, as apiserver's base environment ({@code pkg/cel/environment/base.go})
 * has it for CRD rules in 1.32: standard macros and functions, cross-type numeric comparisons, optional
 * types, kube's strings extension (version 2; its {@code format}, which CEL-Java lacks, is
 * {@link StringFormat}, with cel-go's compile-time check of literal format calls,
 * {@link StringFormatValidator}), the sets extension, two-variable comprehensions, kube's libraries
 * ({@link KubeLibrary#all()}, with the format library of 1.31), the checks of duration, timestamp and
 * regex literals and of homogeneous aggregate literals (those in {@code format} arguments exempt, as
 * cel-go's strings extension configures it), and the variables {@code self} (typed from the schema) and
 * {@code oldSelf} (the same type, or an optional of it for {@code optionalOldSelf} rules). The standard
 * {@code ==}, {@code !=} and list {@code +} are replaced by {@link CelEquality}, so that {@code set} and
 * {@code map} lists of a custom resource compare regardless of order and concatenate as kube's values do
 * (the standard environment is spelled out for that, as CEL-Java's own for these options). Immutable
 * and thread-safe.
 */
record CelEnvironment(Cel cel, CelValidator validator) {
    static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .enableOptionalSyntax(true)
            .enableTimestampEpoch(true)
            .build();

    /** kube's strings extension, version 2 (cel-go's {@code ext.Strings(ext.StringsVersion(2))}), but {@code format}. */
    private static final CelStringExtensions.Function[] STRINGS = {
        CelStringExtensions.Function.CHAR_AT, CelStringExtensions.Function.INDEX_OF, CelStringExtensions.Function.JOIN,
        CelStringExtensions.Function.LAST_INDEX_OF, CelStringExtensions.Function.LOWER_ASCII, CelStringExtensions.Function.QUOTE,
        CelStringExtensions.Function.REPLACE, CelStringExtensions.Function.SPLIT, CelStringExtensions.Function.SUBSTRING,
        CelStringExtensions.Function.TRIM, CelStringExtensions.Function.UPPER_ASCII};

    static CelEnvironment build(CelTypeProvider types, CelType self, boolean optionalOldSelf) {
        CelBuilder b = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(types)
                .addCompilerLibraries(CelExtensions.strings(STRINGS), CelExtensions.optional(), CelExtensions.sets(OPTIONS),
                        CelExtensions.comprehensions())
                .addRuntimeLibraries(CelExtensions.strings(STRINGS), CelExtensions.optional(), CelExtensions.sets(OPTIONS),
                        CelExtensions.comprehensions())
                .setStandardEnvironmentEnabled(false)
                .setStandardDeclarations(CelEquality.standardDeclarations(OPTIONS))
                .setStandardFunctions(CelEquality.standardFunctions(OPTIONS))
                .addFunctionBindings(CelEquality.bindings())
                .addFunctionDeclarations(StringFormat.declaration())
                .addFunctionBindings(StringFormat.binding())
                .addVar("self", self)
                .addVar("oldSelf", optionalOldSelf ? OptionalType.create(self) : self);
        for (KubeLibrary l : KubeLibrary.all()) {
            b.addFunctionDeclarations(l.functions()).addFunctionBindings(l.bindings());
        }
        Cel cel = b.build();
        CelValidator validator = CelValidatorFactory.standardCelValidatorBuilder(cel)
                .addAstValidators(DurationLiteralValidator.INSTANCE, TimestampLiteralValidator.INSTANCE,
                        RegexLiterals.INSTANCE, StringFormatValidator.INSTANCE, HomogeneousLiteralValidator.newInstance("format"))
                .build();
        return new CelEnvironment(cel, validator);
    }

    /**
     * Parses, checks and validates (kube's AST validators) an expression. The literal validators'
     * issues are worded as cel-go's ({@code invalid duration argument}, {@code invalid timestamp
     * argument}); regex literals are RE2's ({@link RegexLiterals}).
     */
    CelValidationResult compile(String expression) {
        CelValidationResult r = cel.compile(expression);
        if (r.hasError()) {
            return r;
        }
        CelValidationResult v;
        try {
            v = validator.validate(r.getAst());
        } catch (CelValidationException e) {
            return r;
        }
        if (!v.hasError()) {
            return v;
        }
        List<CelIssue> issues = new ArrayList<>();
        for (CelIssue i : v.getAllIssues()) {
            Matcher m = LITERAL_ISSUE.matcher(i.getMessage());
            issues.add(!m.find() ? i : CelIssue.newBuilder().setSeverity(i.getSeverity()).setExprId(i.getExprId())
                    .setSourceLocation(i.getSourceLocation())
                    .setMessage("invalid " + m.group(1) + " argument").build());
        }
        return new CelValidationResult(v.getSource(), ImmutableList.copyOf(issues));
    }

    private static final Pattern LITERAL_ISSUE = Pattern.compile("^(duration|timestamp) validation failed\\.");
}
