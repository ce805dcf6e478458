package io.kapi.api.rest;

import java.util.List;

/**
 * An error answered as a kube {@code Status}: HTTP code, reason and message as kube-apiserver's
 * {@code k8s.io/apimachinery/pkg/api/errors} builds them.
 */
public class StatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final String group;
    private final String kind;
    private final String name;
    private final List<FieldCause> causes;
    private final int retryAfterSeconds;

    public StatusException(int code, String reason, String message, String group, String kind, String name,
                           List<FieldCause> causes, int retryAfterSeconds) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.group = group;
        this.kind = kind;
        this.name = name;
        this.causes = causes == null ? List.of() : List.copyOf(causes);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public StatusException(int code, String reason, String message) {
        this(code, reason, message, null, null, null, null, 0);
    }

    public int code() { return code; }
    public String reason() { return reason; }
    public String group() { return group; }
    public String kind() { return kind; }
    public String name() { return name; }
    public List<FieldCause> causes() { return causes; }
    public int retryAfterSeconds() { return retryAfterSeconds; }

    private static String qualified(String group, String resource) {
        return group == null || group.isEmpty() ? resource : resource + "." + group;
    }

    public static StatusException notFound(String group, String resource, String name) {
        return new StatusException(404, "NotFound", qualified(group, resource) + " \"" + name + "\" not found",
                group, resource, name, null, 0);
    }

    public static StatusException alreadyExists(String group, String resource, String name) {
        return new StatusException(409, "AlreadyExists", qualified(group, resource) + " \"" + name + "\" already exists",
                group, resource, name, null, 0);
    }

    public static StatusException conflict(String group, String resource, String name, String why) {
        return new StatusException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(group, resource)
                + " \"" + name + "\": " + why, group, resource, name, null, 0);
    }

    /**
     * kube's {@code NewInvalid}: 422 with one cause per field error; the message lists each distinct
     * error once, as kube's {@code ErrorList.ToAggregate} does (the causes keep them all).
     */
    public static StatusException invalid(String group, String kind, String name, List<FieldCause> causes) {
        String qualifiedKind = group == null || group.isEmpty() ? kind : kind + "." + group;
        StringBuilder msg = new StringBuilder(qualifiedKind).append(" \"").append(name).append("\" is invalid");
        if (causes.isEmpty()) {
            return new StatusException(422, "Invalid", msg.toString(), group, kind, name, causes, 0);
        }
        msg.append(": ");
        List<String> distinct = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(
                causes.stream().map(FieldCause::describe).toList()));
        if (distinct.size() == 1) {
            msg.append(distinct.get(0));
        } else {
            msg.append('[').append(String.join(", ", distinct)).append(']');
        }
        return new StatusException(422, "Invalid", msg.toString(), group, kind, name, causes, 0);
    }

    public static StatusException badRequest(String message) {
        return new StatusException(400, "BadRequest", message);
    }

    public static StatusException methodNotAllowed(String verb, String group, String resource) {
        return new StatusException(405, "MethodNotAllowed", verb + " is not supported on resources of kind \""
                + qualified(group, resource) + "\"", group, resource, null, null, 0);
    }

    public static StatusException expired(String message) {
        return new StatusException(410, "Expired", message);
    }

    public static StatusException gone(String message) {
        return new StatusException(410, "Gone", message);
    }

    public static StatusException tooManyRequests(String message, int retryAfter) {
        return new StatusException(429, "TooManyRequests", message, null, null, null, null, retryAfter);
    }

    public static StatusException tooLarge(String message) {
        return new StatusException(413, "RequestEntityTooLarge", message);
    }

    public static StatusException unsupportedMediaType(String message) {
        return new StatusException(415, "UnsupportedMediaType", message);
    }

    public static StatusException notAcceptable(String message) {
        return new StatusException(406, "NotAcceptable", message);
    }

    public static StatusException unauthorized() {
        return new StatusException(401, "Unauthorized", "Unauthorized");
    }

    public static StatusException forbidden(String message) {
        return new StatusException(403, "Forbidden", message);
    }

    public static StatusException serviceUnavailable(String message, int retryAfter) {
        return new StatusException(503, "ServiceUnavailable", message, null, null, null, null, retryAfter);
    }

    public static StatusException timeout(String message, int retryAfter) {
        return new StatusException(504, "Timeout", message, null, null, null, null, retryAfter);
    }

    /**
     * kube's {@code storage.NewTooLargeResourceVersionError}: 504 with a ResourceVersionTooLarge cause,
     * which client-go's reflector recognises ({@code apierrors.IsTooLargeResourceVersion}).
     */
    public static StatusException tooLargeResourceVersion(long requested, long current) {
        return new StatusException(504, "Timeout", "Too large resource version: " + requested + ", current: " + current,
                null, null, null, List.of(new FieldCause("ResourceVersionTooLarge", "Too large resource version", null)), 1);
    }

    public static StatusException internal(String message) {
        return new StatusException(500, "InternalError", "Internal error occurred: " + message);
    }
}
