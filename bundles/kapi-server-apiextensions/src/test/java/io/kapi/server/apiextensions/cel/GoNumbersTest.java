package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Go's renderings that {@code format} and CEL's string conversions use; expectations are Go's output. */
class GoNumbersTest {
    private static final String TIMES_TEN = "\u202f\u00d7\u202f10";

    @Test
    void percentGIsGosShortestWithExponentsFromSixDigits() {
        assertEquals("56.8", GoNumbers.g(56.8));
        assertEquals("100000", GoNumbers.g(100000.0));
        assertEquals("1e+06", GoNumbers.g(1e6));
        assertEquals("1.234567e+06", GoNumbers.g(1234567.0));
        assertEquals("1e+21", GoNumbers.g(1e21));
        assertEquals("0.0001", GoNumbers.g(0.0001));
        assertEquals("1e-05", GoNumbers.g(0.00001));
        assertEquals("0.30000000000000004", GoNumbers.g(0.1 + 0.2));
        assertEquals("-2.5", GoNumbers.g(-2.5));
        assertEquals("-0", GoNumbers.g(-0.0));
        assertEquals("NaN", GoNumbers.g(Double.NaN));
        assertEquals("+Inf", GoNumbers.g(Double.POSITIVE_INFINITY));
    }

    @Test
    void fixedRoundsTheExactBinaryValueHalfToEven() {
        assertEquals("2.67", GoNumbers.fixed(2.675, 2), "2.675 is 2.67499999... in binary");
        assertEquals("0.2", GoNumbers.fixed(0.25, 1), "an exact tie goes to even");
        assertEquals("3.140000", GoNumbers.fixed(3.14, 6));
        assertEquals("-Inf", GoNumbers.fixed(Double.NEGATIVE_INFINITY, 6));
    }

    @Test
    void localeFixedGroupsDigitsAsEnUs() {
        assertEquals("1,234,567.89", GoNumbers.localeFixed(1234567.891, 2));
        assertEquals("-1,234.5", GoNumbers.localeFixed(-1234.5, 1));
        assertEquals("1,000.000", GoNumbers.localeFixed(999.9996, 3));
        assertEquals("3", GoNumbers.localeFixed(3.14, 0));
        assertEquals("3", GoNumbers.localeFixed(3.14, 2_000_000), "a precision over 10^6 is none");
        assertEquals("\u221e", GoNumbers.localeFixed(Double.POSITIVE_INFINITY, 2));
    }

    @Test
    void localeScientificHasSixDigitsAndSuperscriptExponents() {
        assertEquals("1.230000" + TIMES_TEN + "\u207b\u2070\u00b3", GoNumbers.localeScientific(0.00123, 6));
        assertEquals("-1.052033" + TIMES_TEN + "\u2070\u00b3", GoNumbers.localeScientific(-1052.0329, 6));
        assertEquals("1.000000" + TIMES_TEN + "\u2070\u00b9", GoNumbers.localeScientific(9.9999999, 6));
        assertEquals("0.000000" + TIMES_TEN + "\u2070\u2070", GoNumbers.localeScientific(0, 6));
        assertEquals("     2.718280" + TIMES_TEN + "\u2070\u2070", GoNumbers.localeScientific(2.71828, 20),
                "cel-go's precision is x/text's width");
    }

    @Test
    void durationsAndTimestampsAsCelGoConvertsThemToStrings() {
        assertEquals("1.5s", GoNumbers.durationString(Duration.ofMillis(1500)));
        assertEquals("0.000000001s", GoNumbers.durationString(Duration.ofNanos(1)));
        assertEquals("-90s", GoNumbers.durationString(Duration.ofSeconds(-90)));
        assertEquals("0s", GoNumbers.durationString(Duration.ZERO));
        assertEquals("2019-10-12T07:20:50.52Z", GoNumbers.rfc3339Nano(Instant.parse("2019-10-12T07:20:50.520Z")));
        assertEquals("2019-10-12T07:20:50Z", GoNumbers.rfc3339Nano(Instant.parse("2019-10-12T07:20:50Z")));
    }
}
