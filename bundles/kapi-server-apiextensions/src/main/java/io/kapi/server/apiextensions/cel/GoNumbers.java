package io.kapi.server.apiextensions.cel;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Go's renderings of numbers, durations and timestamps that CEL's string conversions and
 * {@code format} produce: {@code %g} and {@code %.Nf} of a float64 (exact decimal expansion, rounded
 * half to even), {@code time.RFC3339Nano}, cel-go's duration string, and golang.org/x/text's {@code en_US}
 * fixed-point and scientific notation.
 */
final class GoNumbers {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String[] SUPERSCRIPT = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074", "\u2075", "\u2076", "\u2077",
        "\u2078", "\u2079"};

    /** Go's fmt takes no width or precision over 10^6. */
    private static final int MAX_FMT_NUMBER = 1_000_000;

    private GoNumbers() {
    }

    /** The shortest decimal that reads back as {@code d} (finite, non-zero), as Go's shortest formatting finds it. */
    static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int n = 1; n < 17; n++) {
            BigDecimal r = exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                return r.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** Go's {@code fmt.Sprintf("%g", d)}. */
    static String g(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        } else if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        } else if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal s = shortest(d);
        String digits = s.unscaledValue().abs().toString();
        int exp = digits.length() - s.scale() - 1;
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String e = Integer.toString(Math.abs(exp));
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + s.abs().toPlainString();
    }

    /** Go's {@code fmt.Sprintf("%.<precision>f", d)}. */
    static String fixed(double d, int precision) {
        if (Double.isNaN(d)) {
            return "NaN";
        } else if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        String plain = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).abs().toPlainString();
        return (d < 0 || (d == 0 && 1 / d < 0) ? "-" : "") + plain;
    }

    /**
     * x/text's {@code %.<precision>f} for {@code en_US}: digits grouped by three with ',', {@code NaN},
     * {@code ∞}. As there, a precision over 10^6 is none (0), and the fraction has at most
     * {@code (int16) precision} digits (all of them when negative), trailing zeros kept down to
     * {@code (uint8) precision} digits.
     */
    static String localeFixed(double d, int precision) {
        if (Double.isNaN(d)) {
            return "NaN";
        } else if (Double.isInfinite(d)) {
            return d > 0 ? "\u221e" : "-\u221e";
        }
        int p = precision > MAX_FMT_NUMBER ? 0 : precision;
        int min = p & 0xff;
        int max = (short) p;
        BigDecimal v = new BigDecimal(d).abs();
        if (max >= 0) {
            v = v.setScale(max, RoundingMode.HALF_EVEN);
        }
        String plain = v.toPlainString();
        if (plain.indexOf('.') >= 0) {
            int keep = plain.indexOf('.') + 1 + min;
            int end = plain.length();
            while (end > keep && plain.charAt(end - 1) == '0') {
                end--;
            }
            plain = plain.substring(0, plain.charAt(end - 1) == '.' ? end - 1 : end);
        }
        if (min > 0 && plain.indexOf('.') < 0) {
            plain = plain + "." + "0".repeat(min);
        } else if (plain.indexOf('.') >= 0 && plain.length() - plain.indexOf('.') - 1 < min) {
            plain = plain + "0".repeat(min - (plain.length() - plain.indexOf('.') - 1));
        }
        int dot = plain.indexOf('.');
        String whole = dot < 0 ? plain : plain.substring(0, dot);
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        for (int i = 0; i < whole.length(); i++) {
            out.append(whole.charAt(i));
            int left = whole.length() - i - 1;
            if (left > 0 && left % 3 == 0) {
                out.append(',');
            }
        }
        return out.append(dot < 0 ? "" : plain.substring(dot)).toString();
    }

    /**
     * x/text's {@code %<width>e} for {@code en_US} as cel-go calls it: six fraction digits, the exponent as
     * {@code  × 10} and at least two superscript digits, padded with spaces on the left to {@code width}
     * characters (Go's fmt takes no width over 10^6).
     */
    static String localeScientific(double d, int width) {
        String out;
        if (Double.isNaN(d)) {
            out = "NaN";
        } else if (Double.isInfinite(d)) {
            out = d > 0 ? "\u221e" : "-\u221e";
        } else {
            String digits;
            int exp;
            if (d == 0) {
                digits = "0";
                exp = 0;
            } else {
                BigDecimal r = new BigDecimal(Math.abs(d)).round(new MathContext(7, RoundingMode.HALF_EVEN));
                digits = r.unscaledValue().toString();
                exp = digits.length() - r.scale() - 1;
            }
            StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
            String padded = (digits + "0000000").substring(0, 7);
            b.append(padded.charAt(0)).append('.').append(padded, 1, 7);
            b.append("\u202f\u00d7\u202f10");
            if (exp < 0) {
                b.append('\u207b');
            }
            String e = Integer.toString(Math.abs(exp));
            if (e.length() < 2) {
                b.append(SUPERSCRIPT[0]);
            }
            e.chars().forEach(c -> b.append(SUPERSCRIPT[c - '0']));
            out = b.toString();
        }
        int count = out.codePointCount(0, out.length());
        return count < width && width <= MAX_FMT_NUMBER ? " ".repeat(width - count) + out : out;
    }

    /** Go's {@code time.RFC3339Nano} of a UTC time: the fraction without trailing zeros. */
    static String rfc3339Nano(Instant t) {
        StringBuilder b = new StringBuilder(SECONDS.format(t));
        if (t.getNano() != 0) {
            String frac = String.format("%09d", t.getNano());
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            b.append('.').append(frac, 0, end);
        }
        return b.append('Z').toString();
    }

    /** cel-go's duration to string: the seconds as Go's shortest {@code 'f'} formatting, then {@code s}. */
    static String durationString(Duration d) {
        long nanos = d.toNanos();
        double seconds = (double) (nanos / 1_000_000_000L) + (double) (nanos % 1_000_000_000L) / 1e9;
        if (seconds == 0) {
            return "0s";
        }
        return (seconds < 0 ? "-" : "") + shortest(Math.abs(seconds)).toPlainString() + "s";
    }
}
