package io.kapi.group.autoscaling;

import io.kapi.api.rest.FieldCause;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * kube's {@code resource.Quantity} (apimachinery's pkg/api/resource): {@code ParseQuantity} with its
 * errors, the canonical {@code String()} (the parsed text itself when it was already canonical, which
 * kube caches), {@code Sign()}, and Go's {@code %#v} of the struct, which kube's field errors print for a
 * quantity ({@code resource.Quantity{i:resource.int64Amount{value:-1, scale:0}, ...}}). Immutable.
 */
final class Quantity {
    /** The text kube's error carries for a quantity that does not match the grammar. */
    static final String ERR_FORMAT_WRONG =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    static final String ERR_NUMERIC = "unable to parse numeric part of quantity";
    static final String ERR_SUFFIX = "unable to parse quantity's suffix";

    /**
     * Stands, in a converted object, for Go's zero {@code resource.Quantity{}}: the value an absent
     * non-pointer quantity of autoscaling/v1 takes. It prints as {@code 0} but is not the parsed "0".
     */
    static final String ZERO_VALUE = "\u0000zero";

    private static final String DECIMAL_SI = "DecimalSI";
    private static final String BINARY_SI = "BinarySI";
    private static final String DECIMAL_EXPONENT = "DecimalExponent";
    private static final int MAX_INT64_FACTORS = 18;
    private static final int NANO = -9;
    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3,
            "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY_SUFFIXES = Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40,
            "Pi", 50, "Ei", 60);
    private static final BigDecimal MAX_ALLOWED = BigDecimal.valueOf(Long.MAX_VALUE);

    private final long value;
    private final int scale;
    private final BigDecimal dec;
    private final String format;
    private final String cached;

    private Quantity(long value, int scale, BigDecimal dec, String format, String cached) {
        this.value = value;
        this.scale = scale;
        this.dec = dec;
        this.format = format;
        this.cached = cached;
    }

    /** Go's zero {@code resource.Quantity{}}. */
    static Quantity zeroValue() {
        return new Quantity(0, 0, null, "", "");
    }

    /** A quantity rejected by {@code ParseQuantity}, with kube's message. */
    static final class InvalidQuantityException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidQuantityException(String message) {
            super(message);
        }
    }

    /**
     * The quantity a JSON value decodes to, as {@code Quantity.UnmarshalJSON} does: a string (quotes
     * removed) or a number's text, spaces trimmed; {@link #ZERO_VALUE} is the zero value.
     */
    static Quantity parse(String text) {
        if (ZERO_VALUE.equals(text)) {
            return zeroValue();
        }
        return parseQuantity(text.strip());
    }

    /** kube's {@code ParseQuantity}. */
    static Quantity parseQuantity(String str) {
        if (str.isEmpty()) {
            throw new InvalidQuantityException(ERR_FORMAT_WRONG);
        }
        if (str.equals("0")) {
            return new Quantity(0, 0, null, DECIMAL_SI, "0");
        }
        Parts p = parseQuantityString(str);
        int base;
        int exponent;
        String fmt;
        if (DECIMAL_SUFFIXES.containsKey(p.suffix)) {
            base = 10;
            exponent = DECIMAL_SUFFIXES.get(p.suffix);
            fmt = DECIMAL_SI;
        } else if (BINARY_SUFFIXES.containsKey(p.suffix)) {
            base = 2;
            exponent = BINARY_SUFFIXES.get(p.suffix);
            fmt = BINARY_SI;
        } else if (p.suffix.length() > 1 && (p.suffix.charAt(0) == 'E' || p.suffix.charAt(0) == 'e')) {
            try {
                exponent = (int) Long.parseLong(p.suffix.substring(1));
            } catch (NumberFormatException e) {
                throw new InvalidQuantityException(ERR_SUFFIX);
            }
            base = 10;
            fmt = DECIMAL_EXPONENT;
        } else {
            throw new InvalidQuantityException(ERR_SUFFIX);
        }

        int precision = 0;
        int sc = 0;
        long mantissa = 1;
        if (fmt.equals(BINARY_SI)) {
            if (exponent >= 0 && p.denom.isEmpty()) {
                mantissa = 1L << exponent;
                precision = 15 - p.num.length() - (int) ((float) exponent * 3 / 10) - 1;
            } else {
                precision = -1;
            }
        } else {
            sc = exponent;
            precision = MAX_INT64_FACTORS - (p.num.length() + p.denom.length());
        }
        if (precision >= 0) {
            sc -= p.denom.length();
            if (sc >= NANO) {
                String shifted = p.num + p.denom;
                long v;
                try {
                    v = Long.parseLong(shifted);
                } catch (NumberFormatException e) {
                    throw new InvalidQuantityException(ERR_NUMERIC);
                }
                long result;
                boolean ok = true;
                try {
                    result = Math.multiplyExact(v, mantissa);
                } catch (ArithmeticException e) {
                    result = 0;
                    ok = false;
                }
                if (ok) {
                    if (!p.positive) {
                        result = -result;
                    }
                    boolean canonical = fmt.equals(BINARY_SI) ? exponent % 10 == 0 && (v & 0x07) != 0
                            : sc % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0';
                    return new Quantity(result, sc, null, fmt, canonical ? str : "");
                }
            }
        }

        BigDecimal amount;
        try {
            amount = new BigDecimal(p.value);
        } catch (NumberFormatException e) {
            throw new InvalidQuantityException(ERR_NUMERIC);
        }
        if (base == 10) {
            amount = new BigDecimal(amount.unscaledValue(), amount.scale() - exponent);
        } else {
            amount = new BigDecimal(amount.unscaledValue().shiftLeft(exponent), amount.scale());
        }
        int sign = amount.signum();
        amount = amount.abs();
        if (amount.unscaledValue().signum() != 0) {
            amount = amount.setScale(9, RoundingMode.UP);
        }
        if (fmt.equals(BINARY_SI) && amount.compareTo(MAX_ALLOWED) > 0) {
            amount = MAX_ALLOWED;
        }
        if (fmt.equals(BINARY_SI) && amount.compareTo(BigDecimal.ONE) < 0 && amount.signum() > 0) {
            fmt = DECIMAL_SI;
        }
        if (sign == -1) {
            amount = amount.negate();
        }
        return new Quantity(0, 0, amount, fmt, "");
    }

    private record Parts(boolean positive, String value, String num, String denom, String suffix) {
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** kube's {@code parseQuantityString}: sign, the number's text, its integer and fraction digits, the suffix. */
    private static Parts parseQuantityString(String str) {
        boolean positive = true;
        int pos = 0;
        int end = str.length();
        if (pos < end) {
            if (str.charAt(0) == '-') {
                positive = false;
                pos++;
            } else if (str.charAt(0) == '+') {
                pos++;
            }
        }
        for (int i = pos; ; i++) {
            if (i >= end) {
                return new Parts(positive, "0", "0", "", "");
            }
            if (str.charAt(i) == '0') {
                pos++;
            } else {
                break;
            }
        }
        String num;
        for (int i = pos; ; i++) {
            if (i >= end) {
                return new Parts(positive, str, str.substring(pos), "", "");
            }
            if (!digit(str.charAt(i))) {
                num = str.substring(pos, i);
                pos = i;
                break;
            }
        }
        if (num.isEmpty()) {
            num = "0";
        }
        String denom = "";
        if (pos < end && str.charAt(pos) == '.') {
            pos++;
            for (int i = pos; ; i++) {
                if (i >= end) {
                    return new Parts(positive, str, num, str.substring(pos), "");
                }
                if (!digit(str.charAt(i))) {
                    denom = str.substring(pos, i);
                    pos = i;
                    break;
                }
            }
        }
        String value = str.substring(0, pos);
        int suffixStart = pos;
        for (int i = pos; ; i++) {
            if (i >= end) {
                return new Parts(positive, value, num, denom, str.substring(suffixStart));
            }
            if ("eEinumkKMGTP".indexOf(str.charAt(i)) < 0) {
                pos = i;
                break;
            }
        }
        if (pos < end && (str.charAt(pos) == '-' || str.charAt(pos) == '+')) {
            pos++;
        }
        for (int i = pos; ; i++) {
            if (i >= end) {
                return new Parts(positive, value, num, denom, str.substring(suffixStart));
            }
            if (!digit(str.charAt(i))) {
                break;
            }
        }
        throw new InvalidQuantityException(ERR_FORMAT_WRONG);
    }

    /** {@code Sign()}: -1, 0 or 1. */
    int sign() {
        return dec != null ? dec.signum() : Long.signum(value);
    }

    private boolean isZero() {
        return sign() == 0;
    }

    private BigDecimal asDec() {
        return dec != null ? dec : BigDecimal.valueOf(value, -scale);
    }

    /** {@code String()}: the cached text of a canonical parse, else the canonical form. */
    @Override
    public String toString() {
        return cached.isEmpty() ? canonical() : cached;
    }

    /** {@code CanonicalizeBytes}: the number and its suffix. */
    String canonical() {
        if (isZero()) {
            return "0";
        }
        String fmt = format;
        BigInteger binary = null;
        switch (fmt) {
            case DECIMAL_SI, DECIMAL_EXPONENT -> {
            }
            case BINARY_SI -> {
                BigDecimal d = asDec();
                if (d.compareTo(BigDecimal.valueOf(-1024)) > 0 && d.compareTo(BigDecimal.valueOf(1024)) < 0) {
                    fmt = DECIMAL_SI;
                } else {
                    BigDecimal rounded = d.setScale(0, RoundingMode.UP);
                    if (rounded.compareTo(d) != 0) {
                        fmt = DECIMAL_SI;
                    } else {
                        binary = rounded.toBigIntegerExact();
                    }
                }
            }
            default -> fmt = DECIMAL_EXPONENT;
        }
        if (fmt.equals(BINARY_SI)) {
            BigInteger amount = binary;
            int exp = 0;
            BigInteger k = BigInteger.valueOf(1024);
            while (amount.signum() != 0) {
                BigInteger[] qr = amount.divideAndRemainder(k);
                if (qr[1].signum() != 0 || amount.abs().compareTo(k) < 0) {
                    break;
                }
                amount = qr[0];
                exp++;
            }
            String suffix = switch (exp * 10) {
                case 10 -> "Ki";
                case 20 -> "Mi";
                case 30 -> "Gi";
                case 40 -> "Ti";
                case 50 -> "Pi";
                case 60 -> "Ei";
                default -> "";
            };
            return amount + suffix;
        }
        BigInteger amount;
        int exp;
        if (dec == null) {
            long a = value;
            int e = scale;
            boolean negative = a < 0;
            long abs = negative ? -a : a;
            while (abs >= 10 && abs % 10 == 0) {
                abs /= 10;
                e++;
            }
            a = negative ? -abs : abs;
            int shift = switch (e % 3) {
                case 1, -2 -> 1;
                case 2, -1 -> 2;
                default -> 0;
            };
            long factor = shift == 0 ? 1 : shift == 1 ? 10 : 100;
            long shifted;
            try {
                shifted = Math.multiplyExact(a, factor);
                amount = BigInteger.valueOf(shifted);
                exp = e - shift;
            } catch (ArithmeticException overflow) {
                return canonicalDecimal(BigDecimal.valueOf(value, -scale), fmt);
            }
        } else {
            return canonicalDecimal(dec, fmt);
        }
        return amount + suffix(exp, fmt);
    }

    private static String canonicalDecimal(BigDecimal d, String fmt) {
        BigInteger amount = d.unscaledValue();
        int exp = -d.scale();
        while (amount.signum() != 0) {
            BigInteger[] qr = amount.divideAndRemainder(BigInteger.TEN);
            if (qr[1].signum() != 0) {
                break;
            }
            amount = qr[0];
            exp++;
        }
        while (exp % 3 != 0) {
            amount = amount.multiply(BigInteger.TEN);
            exp--;
        }
        return amount + suffix(exp, fmt);
    }

    private static String suffix(int exponent, String fmt) {
        if (fmt.equals(DECIMAL_EXPONENT)) {
            return exponent == 0 ? "" : "e" + exponent;
        }
        for (Map.Entry<String, Integer> e : DECIMAL_SUFFIXES.entrySet()) {
            if (e.getValue() == exponent) {
                return e.getKey();
            }
        }
        return "";
    }

    /**
     * Go's {@code %#v} of the struct, as kube's field errors print a quantity. A quantity held as an
     * {@code inf.Dec} prints the pointer's address in kube, which no other process can reproduce: here a
     * fixed one stands for it.
     */
    String goSyntax() {
        String d = dec == null ? "(*inf.Dec)(nil)" : "(*inf.Dec)(0xc000000000)";
        return "resource.Quantity{i:resource.int64Amount{value:" + value + ", scale:" + scale + "}, d:resource.infDecAmount{Dec:"
                + d + "}, s:" + FieldCause.goQuote(cached) + ", Format:" + FieldCause.goQuote(format) + "}";
    }
}
