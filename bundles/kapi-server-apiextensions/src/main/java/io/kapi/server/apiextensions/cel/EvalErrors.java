package io.kapi.server.apiextensions.cel;

import dev.cel.runtime.CelEvaluationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CEL-Java's evaluation errors in cel-go's words, which kube's messages carry ({@code no such key: x},
 * {@code no such overload}, {@code division by zero}, {@code index out of bounds: n}); other errors keep CEL-Java's text without its
 * {@code evaluation error at <input>:N:} prefix.
 */
final class EvalErrors {
    private static final Pattern PREFIX = Pattern.compile("^evaluation error(?: at [^:]*:\\d+)?: ");
    private static final Pattern MISSING_KEY = Pattern.compile("^key '(.*)' is not present in map\\.?$");

    private EvalErrors() {
    }

    static String text(CelEvaluationException e) {
        String m = PREFIX.matcher(e.getMessage() == null ? "" : e.getMessage()).replaceFirst("");
        Throwable cause = e.getCause();
        if (cause != null && cause.getClass().getSimpleName().equals("CelAttributeNotFoundException")) {
            Matcher k = MISSING_KEY.matcher(cause.getMessage());
            return "no such key: " + (k.matches() ? k.group(1) : cause.getMessage());
        }
        if (e.getErrorCode() != null && e.getErrorCode().name().equals("OVERLOAD_NOT_FOUND")) {
            return "no such overload";
        }
        if (m.equals("long overflow") || m.equals("integer overflow")) {
            return "integer overflow";
        }
        if (m.startsWith("Index out of bounds: ")) {
            return "index out of bounds: " + m.substring("Index out of bounds: ".length());
        }
        if (m.equals("/ by zero")) {
            return "division by zero";
        }
        if (m.equals("% by zero")) {
            return "modulus by zero";
        }
        return m;
    }
}
