package io.kapi.group.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's {@code time.ParseDuration}, for settings kube takes as durations ({@code 1h}, {@code 90m}, {@code 1h30m0s}). */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /**
     * The duration {@code text} names: a sequence of decimal numbers, each with an optional fraction and a unit, or
     * {@code 0}. A negative or malformed one is refused naming {@code setting}.
     */
    static Duration parse(String text, String setting) {
        // Go takes a plus sign (and a minus, which a time to live cannot have)
        String d = text.startsWith("+") ? text.substring(1) : text;
        if (d.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(d);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < d.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(setting + " is not a duration such as 1h, 30m or 90s: " + text);
            }
            BigDecimal unit = switch (m.group(2)) {
                case "ns" -> BigDecimal.ONE;
                case "us", "µs", "μs" -> BigDecimal.valueOf(1_000L);
                case "ms" -> BigDecimal.valueOf(1_000_000L);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
            at = m.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException(setting + " is not a duration such as 1h, 30m or 90s: " + text);
        }
        try {
            return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact()); // Go truncates to ns
        } catch (ArithmeticException tooLong) {
            throw new IllegalArgumentException(setting + " is longer than Go's durations can be: " + text);
        }
    }
}
