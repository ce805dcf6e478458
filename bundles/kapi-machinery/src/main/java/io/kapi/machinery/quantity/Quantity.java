package io.kapi.machinery.quantity;

import io.kapi.api.rest.FieldCause;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * kube's {@code resource.Quantity} ({@code k8s.io/apimachinery/pkg/api/resource/quantity.go}): parsed
 * with its grammar, its three errors and its rounding (up, to nano), compared exactly, printed in
 * canonical form, or as the text given where kube keeps that text (its cached string). Immutable and
 * thread-safe.
 *
 * <pre>
 * quantity ::= [+-] number suffix
 * number   ::= digits | digits.digits | digits. | .digits
 * suffix   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | (e|E) [+-] digits
 * </pre>
 *
 * <p>Like kube, a value is held either as an int64 amount (a {@code long} and a power of ten) or as an
 * arbitrary-precision decimal, as {@code ParseQuantity} chose; {@link #value()} and {@link #goSyntax()}
 * tell them apart as kube does. A value kube would expand to millions of digits (an exponent in the
 * millions) is held here in a few bytes, its rounding and printing done without that expansion.
 */
public final class Quantity implements Comparable<Quantity> {
    /** kube's {@code ErrFormatWrong}: the text does not match the grammar. */
    public static final String ERR_FORMAT_WRONG =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    /** kube's {@code ErrNumeric}: the number does not parse. */
    public static final String ERR_NUMERIC = "unable to parse numeric part of quantity";
    /** kube's {@code ErrSuffix}: the suffix is none kube knows. */
    public static final String ERR_SUFFIX = "unable to parse quantity's suffix";

    /**
     * Go's zero {@code resource.Quantity{}}: what an absent quantity is in kube. It prints as {@code 0}
     * and has no {@link #format()} (Go's empty Format), unlike the parsed {@code "0"}.
     */
    public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, true, 0, null, "");

    /** kube's {@code Format}: how a quantity is printed. */
    public enum Format {
        /** e.g. {@code 12e6}. */
        DECIMAL_EXPONENT("DecimalExponent"),
        /** e.g. {@code 12Mi}, 12 * 2^20. */
        BINARY_SI("BinarySI"),
        /** e.g. {@code 12M}, 12 * 10^6. */
        DECIMAL_SI("DecimalSI");

        private final String goName;

        Format(String goName) {
            this.goName = goName;
        }

        /** The name Go gives it: {@code DecimalExponent}, {@code BinarySI} or {@code DecimalSI}. */
        public String goName() {
            return goName;
        }
    }

    /** A text that is not a quantity; the message is kube's ({@link #ERR_FORMAT_WRONG}, {@link #ERR_NUMERIC} or {@link #ERR_SUFFIX}). */
    public static final class InvalidQuantityException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidQuantityException(String message) {
            super(message);
        }
    }

    private static final BigDecimal MAX_INT64 = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal MIN_BINARY = BigDecimal.valueOf(-1024);
    private static final BigDecimal MAX_NON_BINARY = BigDecimal.valueOf(1024);
    private static final BigInteger K = BigInteger.valueOf(1024);
    private static final int MAX_INT64_FACTORS = 18;
    private static final int NANO = -9;
    private static final int MILLI = -3;
    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3,
            "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY_SUFFIXES = Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40,
            "Pi", 50, "Ei", 60);
    /** Decimal SI suffixes by exponent / 3 + 3: n (10^-9) to E (10^18). */
    private static final String[] DECIMAL_BY_THIRD = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    /** Binary SI suffixes by exponent / 10: none to Ei (2^60). */
    private static final String[] BINARY_BY_TENTH = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    /** The exact value. For an int64 amount, its unscaled value and scale are kube's value and -scale. */
    private final BigDecimal amount;
    /** kube's int64Amount (true) or inf.Dec (false) representation. */
    private final boolean int64;
    /**
     * The scale kube's inf.Dec has (9 once parsed, 3 once rounded to milli, 0 when capped), which
     * {@link #value()} depends on; {@link #amount} may have a smaller one for the same value.
     */
    private final int decScale;
    /** null for Go's empty Format (the zero value). */
    private final Format format;
    /** kube's cached string {@code s}; empty when none. */
    private final String cached;

    private Quantity(BigDecimal amount, boolean int64, int decScale, Format format, String cached) {
        this.amount = amount;
        this.int64 = int64;
        this.decScale = decScale;
        this.format = format;
        this.cached = cached;
    }

    private static Quantity int64(long value, int scale, Format format, String cached) {
        return new Quantity(new BigDecimal(BigInteger.valueOf(value), -scale), true, 0, format, cached);
    }

    // ---- parsing

    /**
     * kube's {@code ParseQuantity}: the text as it is (kube's JSON decoding trims spaces first: callers
     * that decode JSON trim).
     *
     * @throws InvalidQuantityException for a text kube refuses, with kube's message
     */
    public static Quantity parse(String str) {
        if (str.isEmpty()) {
            throw new InvalidQuantityException(ERR_FORMAT_WRONG);
        }
        if (str.equals("0")) {
            return int64(0, 0, Format.DECIMAL_SI, str);
        }
        Parts p = parseQuantityString(str);

        // quantitySuffixer.interpret
        int base;
        int exponent;
        Format format;
        if (DECIMAL_SUFFIXES.containsKey(p.suffix)) {
            base = 10;
            exponent = DECIMAL_SUFFIXES.get(p.suffix);
            format = Format.DECIMAL_SI;
        } else if (BINARY_SUFFIXES.containsKey(p.suffix)) {
            base = 2;
            exponent = BINARY_SUFFIXES.get(p.suffix);
            format = Format.BINARY_SI;
        } else if (p.suffix.length() > 1 && (p.suffix.charAt(0) == 'e' || p.suffix.charAt(0) == 'E')) {
            try {
                // Go's strconv.ParseInt(s, 10, 64), then int32(parsed)
                exponent = (int) Long.parseLong(p.suffix.substring(1));
            } catch (NumberFormatException e) {
                throw new InvalidQuantityException(ERR_SUFFIX);
            }
            base = 10;
            format = Format.DECIMAL_EXPONENT;
        } else {
            throw new InvalidQuantityException(ERR_SUFFIX);
        }

        // the int64 fast path (int arithmetic wraps as Go's int32 does)
        int precision;
        int scale = 0;
        long mantissa = 1;
        if (format == Format.BINARY_SI) {
            if (exponent >= 0 && p.denom.isEmpty()) {
                mantissa = 1L << exponent;
                precision = 15 - p.num.length() - (int) ((float) exponent * 3 / 10) - 1;
            } else {
                precision = -1;
            }
        } else {
            scale = exponent;
            precision = MAX_INT64_FACTORS - (p.num.length() + p.denom.length());
        }
        if (precision >= 0) {
            scale -= p.denom.length();
            if (scale >= NANO) {
                String shifted = p.num + p.denom;
                long v;
                try {
                    v = Long.parseLong(shifted);
                } catch (NumberFormatException e) {
                    throw new InvalidQuantityException(ERR_NUMERIC);
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
                    if (!p.positive) {
                        result = -result;
                    }
                    // kube keeps the text when it is already canonical
                    boolean canonical = format == Format.BINARY_SI
                            ? exponent % 10 == 0 && (v & 0x07) != 0
                            : scale % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0';
                    return int64(result, scale, format, canonical ? str : "");
                }
            }
        }

        // the arbitrary-precision path
        BigDecimal amount;
        try {
            // the text is [+-]digits[.digits], as inf.Dec's SetString reads it
            amount = new BigDecimal(p.value);
        } catch (NumberFormatException e) {
            throw new InvalidQuantityException(ERR_NUMERIC);
        }
        if (base == 10) {
            // Go's amount.SetScale(amount.Scale() - exponent), in int32 arithmetic
            amount = new BigDecimal(amount.unscaledValue(), amount.scale() - exponent);
        } else {
            amount = new BigDecimal(amount.unscaledValue().shiftLeft(exponent), amount.scale());
        }
        int sign = amount.signum();
        amount = amount.abs();
        int decScale = amount.scale();
        if (sign != 0) {
            // non-zero values round up to the smallest representable one: a request for some gets some
            amount = roundUp(amount, -NANO);
            decScale = -NANO;
        }
        if (format == Format.BINARY_SI && amount.compareTo(MAX_INT64) > 0) {
            amount = MAX_INT64;
            decScale = 0;
        }
        if (format == Format.BINARY_SI && amount.compareTo(BigDecimal.ONE) < 0 && amount.signum() > 0) {
            format = Format.DECIMAL_SI;
        }
        if (sign < 0) {
            amount = amount.negate();
        }
        return new Quantity(amount, false, decScale, format, "");
    }

    /**
     * A resource list (a JSON object of quantities, as a pod's {@code resources.limits}) as kube's decoding
     * and {@code SetDefaults_ResourceList} leave it: every value a quantity in canonical form, rounded up
     * to milli scale; a null is Go's zero quantity, {@code 0}. Anything but an object is left alone.
     *
     * @throws InvalidQuantityException with kube's message for a value that is no quantity (kube's decoder
     *     then refuses the whole body)
     */
    public static void canonicalizeList(com.fasterxml.jackson.databind.JsonNode list) {
        if (!(list instanceof com.fasterxml.jackson.databind.node.ObjectNode map)) {
            return;
        }
        for (java.util.Iterator<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = map.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            com.fasterxml.jackson.databind.JsonNode v = e.getValue();
            if (v.isNull()) {
                e.setValue(map.textNode("0"));
            } else if (!v.isTextual() && !v.isNumber()) {
                throw new InvalidQuantityException(ERR_FORMAT_WRONG);
            } else {
                e.setValue(map.textNode(parse(v.asText().trim()).roundUpToMilli().toString()));
            }
        }
    }

    /** {@link #parse}, or null when the text is not a quantity. */
    public static Quantity parseOrNull(String str) {
        try {
            return parse(str);
        } catch (InvalidQuantityException e) {
            return null;
        }
    }

    private record Parts(boolean positive, String value, String num, String denom, String suffix) {
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** kube's {@code parseQuantityString}: sign, the number's text, its integer and fraction digits, the suffix. */
    private static Parts parseQuantityString(String str) {
        boolean positive = true;
        int pos = 0;
        int end = str.length();
        if (str.charAt(0) == '-') {
            positive = false;
            pos++;
        } else if (str.charAt(0) == '+') {
            pos++;
        }
        // leading zeros
        while (pos < end && str.charAt(pos) == '0') {
            pos++;
        }
        if (pos >= end) {
            return new Parts(positive, "0", "0", "", "");
        }
        // the numerator
        int i = pos;
        while (i < end && isDigit(str.charAt(i))) {
            i++;
        }
        if (i >= end) {
            return new Parts(positive, str, str.substring(pos), "", "");
        }
        String num = str.substring(pos, i);
        pos = i;
        if (num.isEmpty()) {
            num = "0";
        }
        // the denominator
        String denom = "";
        if (str.charAt(pos) == '.') {
            pos++;
            i = pos;
            while (i < end && isDigit(str.charAt(i))) {
                i++;
            }
            if (i >= end) {
                return new Parts(positive, str, num, str.substring(pos), "");
            }
            denom = str.substring(pos, i);
            pos = i;
        }
        String value = str.substring(0, pos);
        // the suffix: letters, then an optionally signed exponent
        int suffixStart = pos;
        i = pos;
        while (i < end && "eEinumkKMGTP".indexOf(str.charAt(i)) >= 0) {
            i++;
        }
        if (i >= end) {
            return new Parts(positive, value, num, denom, str.substring(suffixStart));
        }
        pos = i;
        if (str.charAt(pos) == '-' || str.charAt(pos) == '+') {
            pos++;
        }
        for (i = pos; i < end; i++) {
            if (!isDigit(str.charAt(i))) {
                throw new InvalidQuantityException(ERR_FORMAT_WRONG);
            }
        }
        return new Parts(positive, value, num, denom, str.substring(suffixStart));
    }

    /**
     * A non-negative value rounded up to {@code scale} decimal places, as inf.Dec's {@code Round} with
     * {@code RoundUp}; a value already that precise keeps its (smaller) scale, and one far below the
     * last place becomes that place without a division by a huge power of ten.
     */
    private static BigDecimal roundUp(BigDecimal d, int scale) {
        if (d.scale() <= scale || d.signum() == 0) {
            return d;
        }
        // d < 10^(precision - scale): at most 10^-scale, it rounds up to exactly 10^-scale
        if ((long) d.precision() - d.scale() <= -(long) scale) {
            return BigDecimal.ONE.movePointLeft(scale);
        }
        return d.setScale(scale, RoundingMode.UP);
    }

    // ---- values

    /** kube's {@code Sign()}: -1, 0 or 1. */
    public int sign() {
        return amount.signum();
    }

    /** kube's {@code IsZero()}. */
    public boolean isZero() {
        return amount.signum() == 0;
    }

    /** The exact value. */
    public BigDecimal decimal() {
        return amount;
    }

    /** kube's {@code Format}; null for {@link #ZERO}, whose Go Format is empty. */
    public Format format() {
        return format;
    }

    /** kube's {@code Cmp}: the values compared exactly, whatever their format or text. */
    @Override
    public int compareTo(Quantity o) {
        return amount.compareTo(o.amount);
    }

    /**
     * kube's {@code Value()}: the value rounded up to an integer, as kube computes it. An int64 amount
     * rounds away from zero, and is 0 when it overflows; an arbitrary-precision one rounds as kube's
     * {@code scaledValue} (truncated, plus one when anything was cut, even below zero), and keeps the
     * low 64 bits of what does not fit, as Go's {@code big.Int.Int64()} does.
     */
    public long value() {
        if (int64) {
            long v = amount.unscaledValue().longValueExact();
            long scale = -(long) amount.scale();
            if (scale <= 0) {
                // negativeScaleInt64: away from zero
                return amount.setScale(0, RoundingMode.UP).longValueExact();
            }
            // positiveScaleInt64: 0 on overflow
            if (v == 0) {
                return 0;
            }
            long result = v;
            for (long i = 0; i < scale; i++) {
                try {
                    result = Math.multiplyExact(result, 10);
                } catch (ArithmeticException overflow) {
                    return 0;
                }
            }
            return result;
        }
        if (amount.signum() == 0) {
            return 0;
        }
        // scaledValue(unscaled, decScale, 0), with kube's unscaled = amount * 10^decScale
        if (decScale == 0) {
            return low64(amount.unscaledValue(), amount.scale());
        }
        long divisor = BigInteger.TEN.pow(decScale).longValueExact();
        if (amount.compareTo(MAX_INT64.movePointLeft(decScale)) < 0) {
            long unscaled = low64(amount.unscaledValue(), (long) amount.scale() - decScale);
            long result = unscaled / divisor;
            return unscaled % divisor != 0 ? result + 1 : result;
        }
        // beyond int64: a big.Int division (the value is positive here)
        BigDecimal floor = amount.scale() > 0 ? amount.setScale(0, RoundingMode.FLOOR) : amount;
        return low64(floor.unscaledValue(), floor.scale()) + (floor.compareTo(amount) != 0 ? 1 : 0);
    }

    /** The low 64 bits of the integer {@code unscaled * 10^-scale} (Go's {@code Int64()} of it). */
    private static long low64(BigInteger unscaled, long scale) {
        if (scale > 0) {
            return unscaled.divide(BigInteger.TEN.pow((int) scale)).longValue();
        }
        long result = unscaled.longValue();
        // 10^n = 2^n * 5^n: from n = 64 on, its low 64 bits are zero
        for (long i = 0; i < -scale; i++) {
            if (i >= 64) {
                return 0;
            }
            result *= 10;
        }
        return result;
    }

    /**
     * kube's {@code RoundUp(Milli)}, as {@code SetDefaults_ResourceList} rounds a resource list: the
     * value rounded up (away from zero) to milli scale. A value already that precise is kept as it is,
     * its text too; a finer one loses its text.
     */
    public Quantity roundUpToMilli() {
        if (int64) {
            if (amount.scale() <= -MILLI) {
                return this;
            }
            return new Quantity(amount.setScale(-MILLI, RoundingMode.UP), true, 0, format, "");
        }
        BigDecimal abs = roundUp(amount.abs(), -MILLI);
        return new Quantity(amount.signum() < 0 ? abs.negate() : abs, false, -MILLI, format, "");
    }

    // ---- printing

    /** kube's {@code String()}: the text given where kube keeps it, otherwise {@link #canonical()}. */
    @Override
    public String toString() {
        return cached.isEmpty() ? canonical() : cached;
    }

    /**
     * kube's {@code CanonicalizeBytes}: no precision lost, no fractional digits, the largest suffix of
     * the format ({@code 1.5} is {@code 1500m}, {@code 1.5Gi} is {@code 1536Mi}; a binary value below
     * 1Ki or with a fraction is printed in decimal).
     */
    public String canonical() {
        if (amount.signum() == 0) {
            return "0";
        }
        Format f = format == null ? Format.DECIMAL_EXPONENT : format;
        if (f == Format.BINARY_SI) {
            BigInteger integer = null;
            if (amount.compareTo(MIN_BINARY) > 0 && amount.compareTo(MAX_NON_BINARY) < 0) {
                f = Format.DECIMAL_SI;
            } else {
                // a binary value never exceeds 2^63-1: this rescaling is cheap
                BigDecimal whole = amount.setScale(0, RoundingMode.UP);
                if (whole.compareTo(amount) != 0) {
                    f = Format.DECIMAL_SI;
                } else {
                    integer = whole.toBigIntegerExact();
                }
            }
            if (f == Format.BINARY_SI) {
                int times = 0;
                while (true) {
                    BigInteger[] qr = integer.divideAndRemainder(K);
                    if (qr[1].signum() != 0) {
                        break;
                    }
                    integer = qr[0];
                    times++;
                }
                return integer + BINARY_BY_TENTH[Math.min(times, BINARY_BY_TENTH.length - 1)];
            }
        }
        BigInteger mantissa = amount.unscaledValue();
        long exponent = -(long) amount.scale();
        // all factors of ten into the exponent: at most as many as factors of two
        int most = mantissa.getLowestSetBit();
        for (int step = Integer.highestOneBit(Math.max(most, 1)); step >= 1; step >>= 1) {
            if (step <= most) {
                BigInteger[] qr = mantissa.divideAndRemainder(BigInteger.TEN.pow(step));
                if (qr[1].signum() == 0) {
                    mantissa = qr[0];
                    exponent += step;
                    most -= step;
                }
            }
        }
        while (exponent % 3 != 0) {
            mantissa = mantissa.multiply(BigInteger.TEN);
            exponent--;
        }
        if (f == Format.DECIMAL_EXPONENT) {
            return mantissa + (exponent == 0 ? "" : "e" + exponent);
        }
        long index = exponent / 3 + 3;
        // kube's suffixer knows n to E: beyond them it prints the bare number
        return mantissa + (index >= 0 && index < DECIMAL_BY_THIRD.length ? DECIMAL_BY_THIRD[(int) index] : "");
    }

    /**
     * Go's {@code %#v} of the {@code resource.Quantity} kube holds for this value, as its field errors
     * print a quantity or a resource list. An arbitrary-precision amount is a pointer in Go, whose
     * address varies from run to run: a fixed one stands for it.
     */
    public String goSyntax() {
        String i;
        String d;
        if (int64) {
            i = "resource.int64Amount{value:" + amount.unscaledValue() + ", scale:" + (-(long) amount.scale()) + "}";
            d = "resource.infDecAmount{Dec:(*inf.Dec)(nil)}";
        } else {
            i = "resource.int64Amount{value:0, scale:0}";
            d = "resource.infDecAmount{Dec:(*inf.Dec)(0xc000000000)}";
        }
        return "resource.Quantity{i:" + i + ", d:" + d + ", s:" + FieldCause.goQuote(cached)
                + ", Format:" + FieldCause.goQuote(format == null ? "" : format.goName) + "}";
    }
}
