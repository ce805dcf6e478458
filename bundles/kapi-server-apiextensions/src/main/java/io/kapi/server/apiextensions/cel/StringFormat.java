package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import io.kapi.api.rest.FieldCause;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The strings extension's {@code <string>.format(<list>)} as cel-go v0.22 has it ({@code ext/formatting.go},
 * overload {@code string_format}, in kube's strings library version 2): the clauses {@code %s %d %f %e
 * %b %x %X %o} (with a precision for {@code %f} and {@code %e}) and {@code %%}, cel-go's renderings and
 * its error texts. {@code %f} and {@code %e} render as golang.org/x/text does for cel-go's default
 * locale {@code en_US} (digit grouping, {@code ∞}, scientific notation with superscript exponents).
 */
final class StringFormat {
    static final String OVERLOAD = "string_format";

    private StringFormat() {
    }

    static CelFunctionDecl declaration() {
        return newFunctionDeclaration("format",
                newMemberOverload(OVERLOAD, SimpleType.STRING, SimpleType.STRING, ListType.create(SimpleType.DYN)));
    }

    static CelFunctionBinding binding() {
        return CelFunctionBinding.from(OVERLOAD, String.class, List.class, StringFormat::evaluate);
    }

    /** A format string's problem: cel-go's error text, and (at compile time) the argument it is about. */
    static final class FormatError extends Exception {
        final int argument;

        FormatError(String message, int argument) {
            super(message, null, false, false);
            this.argument = argument;
        }

        FormatError(String message) {
            this(message, -1);
        }

        FormatError wrap(String prefix) {
            return new FormatError(prefix + ": " + getMessage(), argument);
        }
    }

    /** How each clause renders (or checks) the argument at an index. */
    interface Clauses {
        String string(int arg) throws FormatError;

        String decimal(int arg) throws FormatError;

        String fixed(int arg, Integer precision) throws FormatError;

        String scientific(int arg, Integer precision) throws FormatError;

        String binary(int arg) throws FormatError;

        String hex(int arg, boolean upper) throws FormatError;

        String octal(int arg) throws FormatError;
    }

    static String evaluate(String format, List<?> args) throws CelEvaluationException {
        try {
            return parse(format, new Runtime(args), args.size(), true);
        } catch (FormatError e) {
            throw new CelEvaluationException(e.getMessage());
        }
    }

    /**
     * cel-go's {@code parseFormatString}: the formatted string; {@code runtime} says whether an argument
     * past the end fails before the clause is read (at runtime) or after (in the compile-time check).
     */
    static String parse(String format, Clauses clauses, int size, boolean runtime) throws FormatError {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < format.length() && format.charAt(i + 1) == '%') {
                out.append('%');
                i += 2;
                continue;
            }
            if (runtime && arg >= size) {
                throw new FormatError("index " + arg + " out of range");
            }
            if (i + 1 >= format.length()) {
                throw new FormatError("unexpected end of string");
            }
            if (arg >= size) {
                throw new FormatError("index " + arg + " out of range");
            }
            i++;
            Integer precision = null;
            if (format.charAt(i) == '.') {
                int start = ++i;
                while (i < format.length() && format.charAt(i) >= '0' && format.charAt(i) <= '9') {
                    i++;
                }
                if (i >= format.length()) {
                    throw new FormatError("could not parse formatting clause: error while parsing precision: "
                            + "could not find end of precision specifier");
                }
                String digits = format.substring(start, i);
                try {
                    precision = Integer.valueOf(digits);
                } catch (NumberFormatException e) {
                    throw new FormatError("could not parse formatting clause: error while parsing precision: error while "
                            + "converting precision to integer: strconv.Atoi: parsing " + FieldCause.goQuote(digits)
                            + ": " + (digits.isEmpty() ? "invalid syntax" : "value out of range"));
                }
            }
            char verb = format.charAt(i++);
            String value;
            try {
                value = switch (verb) {
                    case 's' -> clauses.string(arg);
                    case 'd' -> clauses.decimal(arg);
                    case 'f' -> clauses.fixed(arg, precision);
                    case 'e' -> clauses.scientific(arg, precision);
                    case 'b' -> clauses.binary(arg);
                    case 'x', 'X' -> clauses.hex(arg, verb == 'X');
                    case 'o' -> clauses.octal(arg);
                    default -> throw new FormatError("could not parse formatting clause: unrecognized formatting clause \""
                            + goByteRune(verb) + "\"");
                };
            } catch (FormatError e) {
                throw e.getMessage().startsWith("could not parse") ? e : e.wrap("error during formatting");
            }
            out.append(value);
            arg++;
        }
        return out.toString();
    }

    /** Go reads the clause byte by byte: a non-ASCII character shows as its first UTF-8 byte. */
    private static String goByteRune(char c) {
        if (c < 0x80) {
            return String.valueOf(c);
        }
        byte first = String.valueOf(c).getBytes(StandardCharsets.UTF_8)[0];
        return String.valueOf((char) (first & 0xff));
    }

    // cel-go's error texts, shared with the compile-time check

    static FormatError stringError(String type, int arg) {
        return new FormatError("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, "
                + "durations, and timestamps, was given " + type, arg);
    }

    static FormatError decimalError(String type, int arg) {
        return new FormatError("decimal clause can only be used on integers, was given " + type, arg);
    }

    static FormatError fixedError(String type, int arg) {
        return new FormatError("fixed-point clause can only be used on doubles, was given " + type, arg);
    }

    static FormatError scientificError(String type, int arg) {
        return new FormatError("scientific clause can only be used on doubles, was given " + type, arg);
    }

    static FormatError binaryError(String type, int arg) {
        return new FormatError("only integers and bools can be formatted as binary, was given " + type, arg);
    }

    static FormatError hexError(String type, int arg) {
        return new FormatError("only integers, byte buffers, and strings can be formatted as hex, was given " + type, arg);
    }

    static FormatError octalError(String type, int arg) {
        return new FormatError("octal clause can only be used on integers, was given " + type, arg);
    }

    /** cel-go's type name of a runtime value. */
    static String typeName(Object v) {
        if (v instanceof Long) {
            return "int";
        } else if (v instanceof UnsignedLong) {
            return "uint";
        } else if (v instanceof Double) {
            return "double";
        } else if (v instanceof Boolean) {
            return "bool";
        } else if (v instanceof String) {
            return "string";
        } else if (v instanceof CelByteString) {
            return "bytes";
        } else if (v instanceof NullValue || v == null) {
            return "null_type";
        } else if (v instanceof Duration) {
            return "google.protobuf.Duration";
        } else if (v instanceof Instant) {
            return "google.protobuf.Timestamp";
        } else if (v instanceof List) {
            return "list";
        } else if (v instanceof Map) {
            return "map";
        } else if (v instanceof CelType) {
            return "type";
        } else if (v instanceof Optional) {
            return "optional_type";
        } else if (v instanceof UrlsLibrary.Url) {
            return UrlsLibrary.URL.name();
        } else if (v instanceof NetAddr) {
            return IpLibrary.IP.name();
        } else if (v instanceof CidrLibrary.Prefix) {
            return CidrLibrary.CIDR.name();
        } else if (v instanceof QuantityLibrary.Q) {
            return QuantityLibrary.QUANTITY.name();
        } else if (v instanceof FormatLibrary.NamedFormat) {
            return FormatLibrary.FORMAT.name();
        }
        return v.getClass().getSimpleName();
    }

    /** The clauses on runtime values. */
    private record Runtime(List<?> args) implements Clauses {
        @Override
        public String string(int arg) throws FormatError {
            return asString(args.get(arg), arg);
        }

        @Override
        public String decimal(int arg) throws FormatError {
            Object v = args.get(arg);
            if (v instanceof Long || v instanceof UnsignedLong) {
                return v.toString();
            }
            throw decimalError(typeName(v), -1);
        }

        @Override
        public String fixed(int arg, Integer precision) throws FormatError {
            Double d = floating(args.get(arg));
            if (d == null) {
                throw fixedError(typeName(args.get(arg)), -1);
            }
            return GoNumbers.localeFixed(d, precision == null ? 6 : precision);
        }

        @Override
        public String scientific(int arg, Integer precision) throws FormatError {
            Double d = floating(args.get(arg));
            if (d == null) {
                throw scientificError(typeName(args.get(arg)), -1);
            }
            // cel-go hands the precision to x/text as a width ("%<p>e"), so the digits stay 6
            return GoNumbers.localeScientific(d, precision == null ? 6 : precision);
        }

        @Override
        public String binary(int arg) throws FormatError {
            Object v = args.get(arg);
            if (v instanceof Long l) {
                return Long.toString(l, 2);
            } else if (v instanceof UnsignedLong u) {
                return u.toString(2);
            } else if (v instanceof Boolean b) {
                return b ? "1" : "0";
            }
            throw binaryError(typeName(v), -1);
        }

        @Override
        public String hex(int arg, boolean upper) throws FormatError {
            Object v = args.get(arg);
            String out;
            if (v instanceof String s) {
                out = HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
            } else if (v instanceof CelByteString b) {
                out = HexFormat.of().formatHex(b.toByteArray());
            } else if (v instanceof Long l) {
                out = Long.toString(l, 16);
            } else if (v instanceof UnsignedLong u) {
                out = u.toString(16);
            } else {
                throw hexError(typeName(v), -1);
            }
            return upper ? out.toUpperCase(Locale.ROOT) : out;
        }

        @Override
        public String octal(int arg) throws FormatError {
            Object v = args.get(arg);
            if (v instanceof Long l) {
                return Long.toString(l, 8);
            } else if (v instanceof UnsignedLong u) {
                return u.toString(8);
            }
            throw octalError(typeName(v), -1);
        }

        /** A double, or one of the strings cel-go takes for one in {@code %f} and {@code %e}. */
        private static Double floating(Object v) {
            if (v instanceof Double d) {
                return d;
            }
            if (v instanceof String s) {
                return switch (s) {
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> null;
                };
            }
            return null;
        }
    }

    /** cel-go's {@code FormatString}: {@code %s} of a value. */
    static String asString(Object v, int arg) throws FormatError {
        if (v instanceof List<?> l) {
            return list(l);
        } else if (v instanceof Map<?, ?> m) {
            return map(m);
        } else if (v instanceof Long || v instanceof UnsignedLong || v instanceof Boolean || v instanceof String) {
            return v.toString();
        } else if (v instanceof Double d) {
            return GoNumbers.g(d);
        } else if (v instanceof Instant t) {
            return GoNumbers.rfc3339Nano(t);
        } else if (v instanceof Duration d) {
            return GoNumbers.durationString(d);
        } else if (v instanceof CelByteString b) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                throw new FormatError("could not convert argument \"invalid UTF-8 in bytes, cannot convert to string\" to string", arg);
            }
        } else if (v instanceof CelType t) {
            return typeValueName(t);
        } else if (v instanceof NullValue) {
            return "null";
        }
        throw stringError(typeName(v), -1);
    }

    /** The name of a type value (the runtime's {@code type(x)} is a {@code type} of the type). */
    private static String typeValueName(CelType t) {
        return t instanceof TypeType tt && !tt.parameters().isEmpty() ? tt.type().name() : t.name();
    }

    /** cel-go's {@code clauseForType} and {@code quoteForCEL}: a list element or map value as a CEL literal. */
    private static String literal(Object v) throws FormatError {
        if (v instanceof Long || v instanceof UnsignedLong) {
            return v.toString();
        } else if (v instanceof String s) {
            return FieldCause.goQuote(s);
        } else if (v instanceof CelByteString) {
            return "b" + FieldCause.goQuote(asString(v, -1));
        } else if (v instanceof Boolean || v instanceof NullValue || v instanceof CelType) {
            return asString(v, -1);
        } else if (v instanceof Instant t) {
            return "timestamp(" + FieldCause.goQuote(GoNumbers.rfc3339Nano(t)) + ")";
        } else if (v instanceof Duration d) {
            return "duration(" + FieldCause.goQuote(GoNumbers.durationString(d)) + ")";
        } else if (v instanceof List<?> l) {
            return list(l);
        } else if (v instanceof Map<?, ?> m) {
            return map(m);
        } else if (v instanceof Double d) {
            String s = GoNumbers.fixed(d, 6);
            return d.isNaN() || d.isInfinite() ? FieldCause.goQuote(s) : s;
        }
        throw new FormatError("no formatting function for " + typeName(v));
    }

    private static String list(List<?> l) throws FormatError {
        List<String> parts = new ArrayList<>(l.size());
        for (Object e : l) {
            parts.add(literal(e));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static String map(Map<?, ?> m) throws FormatError {
        List<String[]> entries = new ArrayList<>(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object k = e.getKey();
            String key;
            if (k instanceof String s) {
                key = FieldCause.goQuote(s);
            } else if (k instanceof Boolean || k instanceof Long || k instanceof UnsignedLong) {
                key = k.toString();
            } else {
                throw new FormatError("no formatting function for map key of type " + typeName(k));
            }
            entries.add(new String[] {key, literal(e.getValue())});
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a[0].getBytes(StandardCharsets.UTF_8), b[0].getBytes(StandardCharsets.UTF_8)));
        List<String> parts = new ArrayList<>(entries.size());
        for (String[] e : entries) {
            parts.add(e[0] + ":" + e[1]);
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
