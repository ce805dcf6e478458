package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a CRD's schema checks need of Go's conventions outside this package: a decoded JSON value as kube's
 * {@code field.Error} prints it, and Go's {@code regexp.Compile} verdict on a {@code pattern}. Stateless.
 */
public final class GoRendering {
    private GoRendering() {
    }

    /**
     * A decoded JSON value as {@code field.Invalid} prints it: {@code %q} of strings, {@code %v} of numbers and
     * bools, {@code null}, else Go's {@code %#v} ({@code map[string]interface {}{"a":1}}).
     */
    public static String fieldValue(JsonNode v) {
        return GoValues.errorValue(v);
    }

    /** Go's {@code regexp.Compile} error text for {@code pattern} (as far as Java's parser tells), or null when it compiles. */
    public static String regexpError(String pattern) {
        String[] error = new String[1];
        return SchemaValidator.compile(pattern, error) == null ? error[0] : null;
    }
}
