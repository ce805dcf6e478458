package io.kapi.machinery.patch;

import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import java.util.List;

/**
 * kube's {@code fieldValidation} request parameter, as far as it changes how a patch body is decoded:
 * with Warn (kube-apiserver's default when the parameter is absent) and Strict, JSON and merge patch
 * bodies are decoded strictly first, so their errors read {@code error decoding patch: ...}.
 */
public enum FieldValidation {
    IGNORE,
    WARN,
    STRICT;

    /** {@link #of(String, String)} for a PATCH request (kube validates it as PatchOptions). */
    public static FieldValidation of(String parameter) {
        return of(parameter, "PatchOptions");
    }

    /**
     * Parses the query parameter; absent or empty means Warn, as in kube-apiserver. Any other value is
     * kube's 422 for the request's options kind (PatchOptions, UpdateOptions, CreateOptions).
     */
    public static FieldValidation of(String parameter, String optionsKind) {
        if (parameter == null || parameter.isEmpty()) {
            return WARN;
        }
        return switch (parameter) {
            case "Ignore" -> IGNORE;
            case "Warn" -> WARN;
            case "Strict" -> STRICT;
            default -> throw StatusException.invalid("meta.k8s.io", optionsKind, "", List.of(new FieldCause("FieldValueNotSupported",
                    "Unsupported value: " + io.kapi.machinery.validation.NameValidation.goQuote(parameter)
                            + ": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"", "fieldValidation")));
        };
    }
}
