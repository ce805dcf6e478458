package io.kapi.api.rest;

/**
 * One field error of an Invalid status, as kube's {@code metav1.StatusCause} built from a
 * {@code field.Error}: {@code type} is the cause type ({@code FieldValueRequired},
 * {@code FieldValueInvalid}, {@code FieldValueNotSupported}, {@code FieldValueTooLong}, ...),
 * {@code message} the full text, {@code field} the path.
 */
public record FieldCause(String type, String message, String field) {
    public static FieldCause required(String field, String detail) {
        return new FieldCause("FieldValueRequired", "Required value" + (detail == null || detail.isEmpty() ? "" : ": " + detail), field);
    }

    public static FieldCause invalid(String field, Object value, String detail) {
        return new FieldCause("FieldValueInvalid", "Invalid value: " + quote(value) + ": " + detail, field);
    }

    public static FieldCause forbidden(String field, String detail) {
        return new FieldCause("FieldValueForbidden", "Forbidden: " + detail, field);
    }

    public static FieldCause tooLong(String field, int max) {
        return new FieldCause("FieldValueTooLong", "Too long: may not be more than " + max + " bytes", field);
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /** The text kube puts in the aggregated message: {@code field: message}. */
    public String describe() {
        return field + ": " + message;
    }
}
