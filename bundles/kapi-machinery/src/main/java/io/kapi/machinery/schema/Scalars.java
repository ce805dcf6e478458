package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.machinery.schema.SchemaValidator.Code;
import io.kapi.machinery.schema.SchemaValidator.Err;
import io.kapi.machinery.schema.SchemaValidator.Result;
import java.util.List;
import java.util.regex.Pattern;

/** kube-openapi's {@code stringValidator} and {@code numberValidator}. Stateless. */
final class Scalars {
    private Scalars() {
    }

    private static String in(String path, String format, Object arg) {
        return String.format(format, path, SchemaValidator.IN, arg);
    }

    /** Length in runes, then pattern (Go's RE2 syntax read as Java's); the first failure only. */
    static Result string(StructuralSchema s, String path, String data) {
        long runes = data.codePointCount(0, data.length());
        if (s.maxLength != null && runes > s.maxLength) {
            return Result.of(new Err(Code.TOO_LONG, path, in(path, "%s in %s should be at most %d chars long", s.maxLength), data, s.maxLength, List.of()));
        }
        if (s.minLength != null && runes < s.minLength) {
            return Result.of(new Err(Code.OTHER, path, in(path, "%s in %s should be at least %d chars long", s.minLength), data, s.minLength, List.of()));
        }
        if (!s.pattern.isEmpty()) {
            String[] error = new String[1];
            Pattern p = SchemaValidator.compile(s.pattern, error);
            if (p == null) {
                return Result.of(new Err(Code.OTHER, path, in(path, "%s in %s should match '%s'", s.pattern + ", but pattern is invalid: " + error[0]), data, 0, List.of()));
            }
            if (!p.matcher(data).find()) {
                return Result.of(new Err(Code.OTHER, path, in(path, "%s in %s should match '%s'", s.pattern), data, 0, List.of()));
            }
        }
        return null;
    }

    /**
     * multipleOf, minimum, maximum in the value's own Go type: an integer value compares with the
     * bound truncated to int64 (and the message prints it so), a float with the float bound.
     */
    static Result number(StructuralSchema s, String path, JsonNode data) {
        Result res = new Result();
        boolean integer = data.isIntegralNumber();
        Object value = GoValues.goValue(data);
        Result multiple = new Result();
        Result min = new Result();
        Result max = new Result();
        if (s.multipleOf != null) {
            double factor = s.multipleOf;
            if (integer) {
                long f = (long) factor;
                if (f <= 0) {
                    multiple.add(positive(path, Long.toString(f), f));
                } else if ((data.asLong() / f) * f != data.asLong()) {
                    multiple.add(new Err(Code.OTHER, path, in(path, "%s in %s should be a multiple of %s", Long.toString(f)), value, 0, List.of()));
                }
            } else {
                double d = data.asDouble();
                if (factor <= 0) {
                    multiple.add(positive(path, GoValues.goFloat(factor), factor));
                } else if (!GoValues.isJsonInteger(factor < 1 ? 1 / factor * d : d / factor)) {
                    multiple.add(new Err(Code.OTHER, path, in(path, "%s in %s should be a multiple of %s", GoValues.goFloat(factor)), value, 0, List.of()));
                }
            }
        }
        if (s.maximum != null) {
            boolean ex = s.exclusiveMaximum;
            String bound = integer ? Long.toString((long) (double) s.maximum) : GoValues.goFloat(s.maximum);
            if (integer ? exceedsMax(data.asLong(), (long) (double) s.maximum, ex) : (ex ? data.asDouble() >= s.maximum : data.asDouble() > s.maximum)) {
                max.add(new Err(Code.OTHER, path, in(path, ex ? "%s in %s should be less than %s" : "%s in %s should be less than or equal to %s", bound), value, 0, List.of()));
            }
        }
        if (s.minimum != null) {
            boolean ex = s.exclusiveMinimum;
            String bound = integer ? Long.toString((long) (double) s.minimum) : GoValues.goFloat(s.minimum);
            long m = (long) (double) s.minimum;
            if (integer ? (ex ? data.asLong() <= m : data.asLong() < m) : (ex ? data.asDouble() <= s.minimum : data.asDouble() < s.minimum)) {
                min.add(new Err(Code.OTHER, path, in(path, ex ? "%s in %s should be greater than %s" : "%s in %s should be greater than or equal to %s", bound), value, 0, List.of()));
            }
        }
        res.merge(multiple).merge(min).merge(max);
        res.matchCount++;
        return res;
    }

    private static boolean exceedsMax(long data, long max, boolean exclusive) {
        return exclusive ? data >= max : data > max;
    }

    private static Err positive(String path, String factor, Object value) {
        return new Err(Code.OTHER, path, String.format("factor MultipleOf declared for %s must be positive: %s", path, factor), value, 0, List.of());
    }
}
