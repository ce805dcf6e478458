package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import io.kapi.machinery.schema.SchemaValidator;
import io.kapi.machinery.schema.StructuralSchema;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.NameValidator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * kube's format library (apiserver {@code pkg/cel/library/format.go}, in the base environment since
 * 1.31): {@code format.named(name)} (an optional format), {@code format.<name>()} for each of kube's
 * named formats, and {@code <format>.validate(s)}, none when {@code s} is valid, else an optional of
 * kube's messages. The name formats are apimachinery's checks ({@link NameValidator},
 * {@link NameValidation}); {@code uri} is Go's {@code url.ParseRequestURI} as {@link UrlsLibrary} has
 * it; {@code uuid}, {@code byte}, {@code date} and {@code datetime} are strfmt's format checks
 * as Kapi's OpenAPI validation runs them.
 */
final class FormatLibrary implements KubeLibrary {
    static final OpaqueType FORMAT = OpaqueType.create("kubernetes.NamedFormat");

    /** A named format: equal when the name is (as kube's {@code Format.Equal}). */
    record NamedFormat(String name, Function<String, List<String>> check) {
        @Override
        public boolean equals(Object o) {
            return o instanceof NamedFormat f && f.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** kube's {@code ConstantFormats}, by the names CEL sees. */
    static final Map<String, NamedFormat> FORMATS = formats();

    private static Map<String, NamedFormat> formats() {
        Map<String, NamedFormat> m = new LinkedHashMap<>();
        m.put("dns1123Label", new NamedFormat("DNS1123Label", s -> NameValidator.DNS1123_LABEL.validate(s, false)));
        m.put("dns1123Subdomain", new NamedFormat("DNS1123Subdomain", s -> NameValidator.DNS1123_SUBDOMAIN.validate(s, false)));
        m.put("dns1035Label", new NamedFormat("DNS1035Label", s -> NameValidator.DNS1035_LABEL.validate(s, false)));
        m.put("qualifiedName", new NamedFormat("QualifiedName", NameValidation::isQualifiedName));
        m.put("dns1123LabelPrefix", new NamedFormat("DNS1123LabelPrefix", s -> NameValidator.DNS1123_LABEL.validate(s, true)));
        m.put("dns1123SubdomainPrefix", new NamedFormat("DNS1123SubdomainPrefix",
                s -> NameValidator.DNS1123_SUBDOMAIN.validate(s, true)));
        m.put("dns1035LabelPrefix", new NamedFormat("DNS1035LabelPrefix", s -> NameValidator.DNS1035_LABEL.validate(s, true)));
        m.put("labelValue", new NamedFormat("LabelValue", NameValidation::isValidLabelValue));
        m.put("uri", new NamedFormat("URI", s -> {
            String err = UrlsLibrary.requestUriError(s);
            return err == null ? List.of() : List.of(err);
        }));
        m.put("uuid", strfmt("uuid", "uuid", "does not match the UUID format"));
        m.put("byte", strfmt("byte", "byte", "invalid base64"));
        m.put("date", strfmt("date", "date", "invalid date"));
        m.put("datetime", strfmt("datetime", "date-time", "invalid datetime"));
        return m;
    }

    /** A strfmt format, checked as OpenAPI validation checks a string of that format. */
    private static NamedFormat strfmt(String name, String format, String message) {
        SchemaValidator v = new SchemaValidator(StructuralSchema.parse(
                JsonNodeFactory.instance.objectNode().put("type", "string").put("format", format)));
        return new NamedFormat(name, s -> v.validate(TextNode.valueOf(s)).isEmpty() ? List.of() : List.of(message));
    }

    @Override
    public List<CelFunctionDecl> functions() {
        List<CelFunctionDecl> out = new ArrayList<>();
        out.add(newFunctionDeclaration("validate", newMemberOverload("format-validate",
                OptionalType.create(ListType.create(SimpleType.STRING)), FORMAT, SimpleType.STRING)));
        out.add(newFunctionDeclaration("format.named", newGlobalOverload("format-named", OptionalType.create(FORMAT),
                SimpleType.STRING)));
        FORMATS.keySet().forEach(n -> out.add(newFunctionDeclaration("format." + n, newGlobalOverload("format." + n, FORMAT))));
        return out;
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        List<CelFunctionBinding> out = new ArrayList<>();
        out.add(CelFunctionBinding.from("format-validate", NamedFormat.class, String.class, FormatLibrary::validate));
        out.add(CelFunctionBinding.from("format-named", String.class, n -> Optional.ofNullable(FORMATS.get(n))));
        FORMATS.forEach((n, f) -> out.add(CelFunctionBinding.from("format." + n, List.of(), args -> f)));
        return out;
    }

    static Optional<List<String>> validate(NamedFormat f, String s) {
        List<String> errors = f.check.apply(s);
        return errors.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(errors));
    }
}
