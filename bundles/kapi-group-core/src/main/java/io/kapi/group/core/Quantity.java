package io.kapi.group.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * kube's {@code resource.Quantity} ({@code k8s.io/apimachinery/pkg/api/resource/quantity.go}): parsed
 * with its grammar, errors and rounding (up to nano), compared exactly, printed in canonical form (or
 * as the text given when kube keeps it: its cached string). Immutable.
 *
 * <pre>
 * quantity ::= [+-] number suffix
 * number   ::= digits | digits.digits | digits. | .digits
 * suffix   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | (e|E) [+-] digits
 * </pre>
 */
final class Quantity implements Comparable<Quantity> {
    /** kube's {@code ErrFormatWrong}. */
    static final String ERR_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    /** kube's {@code ErrNumeric}. */
    static final String ERR_NUMERIC = "unable to parse numeric part of quantity";
    /** kube's {@code ErrSuffix}. */
    static final String ERR_SUFFIX = "unable to parse quantity's suffix";

    static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI, null, true);

    private static final BigDecimal MAX_INT64 = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final int MAX_INT64_FACTORS = 18;
    private static final Map<String, Integer> DECIMAL = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6,
            "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY = Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
    private static final String[] DECIMAL_BY_THIRD = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_BY_TENTH = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    /** kube's {@code Format}, with the names Go prints. */
    enum Format {
        DECIMAL_EXPONENT("DecimalExponent"), BINARY_SI("BinarySI"), DECIMAL_SI("DecimalSI");

        final String goName;

        Format(String goName) {
            this.goName = goName;
        }
    }

    /** A text that is not a quantity; the message is kube's. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    private final BigDecimal value;
    private final Format format;
    private final String cached;
    /** kube's int64Amount (true) or inf.Dec (false) representation: Value() rounds them differently. */
    private final boolean int64;

    private Quantity(BigDecimal value, Format format, String cached, boolean int64) {
        this.value = value;
        this.format = format;
        this.cached = cached;
        this.int64 = int64;
    }

    /** kube's {@code ParseQuantity}. */
    static Quantity parse(String str) throws ParseException {
        if (str.isEmpty()) {
            throw new ParseException(ERR_FORMAT);
        }
        if (str.equals("0")) {
            return new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI, "0", true);
        }
        // parseQuantityString
        boolean positive = true;
        int pos = 0;
        int end = str.length();
        char first = str.charAt(0);
        if (first == '-') {
            positive = false;
            pos++;
        } else if (first == '+') {
            pos++;
        }
        String num;
        String denom = "";
        String suffix = "";
        String valueText;
        parse:
        {
            while (pos < end && str.charAt(pos) == '0') {
                pos++;
            }
            if (pos >= end) {
                num = "0";
                valueText = "0";
                break parse;
            }
            int i = pos;
            while (i < end && isDigit(str.charAt(i))) {
                i++;
            }
            if (i >= end) {
                num = str.substring(pos);
                valueText = str;
                break parse;
            }
            num = str.substring(pos, i);
            pos = i;
            if (num.isEmpty()) {
                num = "0";
            }
            if (str.charAt(pos) == '.') {
                pos++;
                i = pos;
                while (i < end && isDigit(str.charAt(i))) {
                    i++;
                }
                if (i >= end) {
                    denom = str.substring(pos);
                    valueText = str;
                    break parse;
                }
                denom = str.substring(pos, i);
                pos = i;
            }
            valueText = str.substring(0, pos);
            int suffixStart = pos;
            i = pos;
            while (i < end && "eEinumkKMGTP".indexOf(str.charAt(i)) >= 0) {
                i++;
            }
            if (i >= end) {
                suffix = str.substring(suffixStart);
                break parse;
            }
            pos = i;
            if (str.charAt(pos) == '-' || str.charAt(pos) == '+') {
                pos++;
            }
            for (i = pos; i < end; i++) {
                if (!isDigit(str.charAt(i))) {
                    throw new ParseException(ERR_FORMAT);
                }
            }
            suffix = str.substring(suffixStart);
        }
        // the suffix's base, exponent and format
        int base;
        int exponent;
        Format format;
        if (DECIMAL.containsKey(suffix)) {
            base = 10;
            exponent = DECIMAL.get(suffix);
            format = Format.DECIMAL_SI;
        } else if (BINARY.containsKey(suffix)) {
            base = 2;
            exponent = BINARY.get(suffix);
            format = Format.BINARY_SI;
        } else if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            try {
                long parsed = Long.parseLong(suffix.substring(1));
                base = 10;
                exponent = (int) parsed;
                format = Format.DECIMAL_EXPONENT;
            } catch (NumberFormatException e) {
                throw new ParseException(ERR_SUFFIX);
            }
        } else {
            throw new ParseException(ERR_SUFFIX);
        }
        // the int64 fast path
        int precision;
        int scale = 0;
        long mantissa = 1;
        if (format == Format.BINARY_SI) {
            if (exponent >= 0 && denom.isEmpty()) {
                mantissa = 1L << exponent;
                precision = 15 - num.length() - (int) ((float) exponent * 3 / 10) - 1;
            } else {
                precision = -1;
            }
        } else {
            scale = exponent;
            precision = MAX_INT64_FACTORS - (num.length() + denom.length());
        }
        if (precision >= 0) {
            scale -= denom.length();
            if (scale >= -9) {
                String shifted = num + denom;
                long v;
                try {
                    v = Long.parseLong(shifted);
                } catch (NumberFormatException e) {
                    throw new ParseException(ERR_NUMERIC);
                }
                long result;
                boolean fits = true;
                try {
                    result = Math.multiplyExact(v, mantissa);
                } catch (ArithmeticException e) {
                    result = 0;
                    fits = false;
                }
                if (fits) {
                    if (!positive) {
                        result = -result;
                    }
                    String keep = null;
                    if (format == Format.BINARY_SI) {
                        if (exponent % 10 == 0 && (v & 0x07) != 0) {
                            keep = str;
                        }
                    } else if (scale % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0') {
                        keep = str;
                    }
                    return new Quantity(new BigDecimal(BigInteger.valueOf(result), -scale), format, keep, true);
                }
            }
        }
        // the arbitrary-precision path
        BigDecimal amount;
        try {
            amount = new BigDecimal(valueText.startsWith("+") ? valueText.substring(1) : valueText);
        } catch (NumberFormatException e) {
            throw new ParseException(ERR_NUMERIC);
        }
        if (amount.precision() - amount.scale() + (base == 10 ? (long) exponent : exponent * 3L / 10) > 1000) {
            // more than a thousand digits: kube would spend its memory on it, this refuses it
            throw new ParseException(ERR_NUMERIC);
        }
        if (base == 10) {
            amount = amount.scaleByPowerOfTen(exponent);
        } else {
            amount = new BigDecimal(amount.unscaledValue().shiftLeft(exponent), amount.scale());
        }
        int sign = amount.signum();
        amount = amount.abs();
        if (amount.signum() != 0) {
            // non-zero values round up to the smallest representable one: a request for some gets some
            amount = amount.setScale(9, RoundingMode.UP);
        }
        if (format == Format.BINARY_SI && amount.compareTo(MAX_INT64) > 0) {
            amount = MAX_INT64;
        }
        if (format == Format.BINARY_SI && amount.compareTo(BigDecimal.ONE) < 0) {
            format = Format.DECIMAL_SI;
        }
        if (sign < 0) {
            amount = amount.negate();
        }
        return new Quantity(amount, format, null, false);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@link #parse}, or null when the text is not a quantity. */
    static Quantity parseOrNull(String str) {
        try {
            return parse(str);
        } catch (ParseException e) {
            return null;
        }
    }

    BigDecimal decimal() {
        return value;
    }

    Format format() {
        return format;
    }

    int signum() {
        return value.signum();
    }

    boolean isZero() {
        return value.signum() == 0;
    }

    @Override
    public int compareTo(Quantity o) {
        return value.compareTo(o.value);
    }

    /**
     * kube's {@code Value()}: the integer value, rounded up: away from zero for kube's int64 amounts,
     * truncated plus one for its arbitrary-precision ones.
     */
    long value() {
        BigDecimal rounded = value.setScale(0, RoundingMode.UP);
        if (!int64) {
            // kube's scaledValue: truncated, plus one when anything was cut (even below zero)
            BigDecimal truncated = value.setScale(0, RoundingMode.DOWN);
            rounded = truncated.compareTo(value) == 0 ? truncated : truncated.add(BigDecimal.ONE);
        }
        return rounded.compareTo(MAX_INT64) > 0 ? Long.MAX_VALUE
                : rounded.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : rounded.longValueExact();
    }

    /**
     * kube's defaulting of a resource list ({@code SetDefaults_ResourceList}): rounded up to milli scale;
     * a value finer than that loses its cached text.
     */
    Quantity roundUpToMilli() {
        if (value.scale() <= 3 && (int64 || cached != null)) {
            return this;
        }
        if (!int64) {
            return new Quantity(value.setScale(3, RoundingMode.UP), format, null, false);
        }
        return new Quantity(value.setScale(3, RoundingMode.UP), format, null, true);
    }

    /** kube's {@code String()}: the cached text when kube keeps one, otherwise the canonical form. */
    @Override
    public String toString() {
        return cached != null ? cached : canonical();
    }

    /** kube's {@code CanonicalizeBytes}: no precision lost, no fractional digits, the largest suffix. */
    String canonical() {
        if (value.signum() == 0) {
            return "0";
        }
        Format f = format;
        BigInteger integer = null;
        if (f == Format.BINARY_SI) {
            if (value.compareTo(BigDecimal.valueOf(-1024)) > 0 && value.compareTo(BigDecimal.valueOf(1024)) < 0) {
                f = Format.DECIMAL_SI;
            } else {
                BigDecimal whole = value.setScale(0, RoundingMode.UP);
                if (whole.compareTo(value) != 0) {
                    f = Format.DECIMAL_SI;
                } else {
                    integer = whole.toBigIntegerExact();
                }
            }
        }
        if (f == Format.BINARY_SI) {
            BigInteger k = BigInteger.valueOf(1024);
            int times = 0;
            while (integer.signum() != 0) {
                BigInteger[] qr = integer.divideAndRemainder(k);
                if (qr[1].signum() != 0) {
                    break;
                }
                integer = qr[0];
                times++;
            }
            // a capped value never exceeds Ei
            return integer + BINARY_BY_TENTH[Math.min(times, BINARY_BY_TENTH.length - 1)];
        }
        BigInteger mantissa = value.unscaledValue();
        int exponent = -value.scale();
        BigInteger ten = BigInteger.TEN;
        while (mantissa.signum() != 0) {
            BigInteger[] qr = mantissa.divideAndRemainder(ten);
            if (qr[1].signum() != 0) {
                break;
            }
            mantissa = qr[0];
            exponent++;
        }
        while (exponent % 3 != 0) {
            mantissa = mantissa.multiply(ten);
            exponent--;
        }
        if (f == Format.DECIMAL_EXPONENT) {
            return mantissa + (exponent == 0 ? "" : "e" + exponent);
        }
        int index = exponent / 3 + 3;
        // kube's suffixer knows n to E: beyond them it prints the bare number
        return mantissa + (index >= 0 && index < DECIMAL_BY_THIRD.length ? DECIMAL_BY_THIRD[index] : "");
    }

    /**
     * Go's {@code %#v} of the {@code resource.Quantity} kube holds for this value (as its field errors
     * print a resource list). An arbitrary-precision amount is a pointer in Go, whose address varies:
     * a fixed one stands for it.
     */
    String goSyntax() {
        String i;
        String d;
        if (int64) {
            i = "resource.int64Amount{value:" + value.unscaledValue() + ", scale:" + (-value.scale()) + "}";
            d = "resource.infDecAmount{Dec:(*inf.Dec)(nil)}";
        } else {
            i = "resource.int64Amount{value:0, scale:0}";
            d = "resource.infDecAmount{Dec:(*inf.Dec)(0xc000000000)}";
        }
        return "resource.Quantity{i:" + i + ", d:" + d + ", s:" + io.kapi.api.rest.FieldCause.goQuote(cached == null ? "" : cached)
                + ", Format:" + io.kapi.api.rest.FieldCause.goQuote(format.goName) + "}";
    }
}
