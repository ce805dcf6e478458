package io.kapi.machinery.quantity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * kube's resource.Quantity: its grammar and errors, rounding, canonical form and the text it keeps, its
 * Value() and Go's %#v of it. The tables are kube's own (quantity_test.go).
 */
class QuantityTest {
    private static String canonical(String s) {
        return Quantity.parse(s).toString();
    }

    /** kube's TestQuantityParse table: the text, its value, its format. */
    private static final String[][] PARSED = {
        {"0", "0", "DECIMAL_SI"},
        {"0n", "0", "DECIMAL_SI"},
        {"0u", "0", "DECIMAL_SI"},
        {"0m", "0", "DECIMAL_SI"},
        {"0Ki", "0", "BINARY_SI"},
        {"0k", "0", "DECIMAL_SI"},
        {"0Mi", "0", "BINARY_SI"},
        {"0M", "0", "DECIMAL_SI"},
        {"0Gi", "0", "BINARY_SI"},
        {"0G", "0", "DECIMAL_SI"},
        {"0Ti", "0", "BINARY_SI"},
        {"0T", "0", "DECIMAL_SI"},
        {"1", "1", "DECIMAL_SI"},
        {"1Ki", "1024", "BINARY_SI"},
        {"8Ki", "8192", "BINARY_SI"},
        {"7Mi", "7340032", "BINARY_SI"},
        {"6Gi", "6442450944", "BINARY_SI"},
        {"5Ti", "5497558138880", "BINARY_SI"},
        {"4Pi", "4503599627370496", "BINARY_SI"},
        {"3Ei", "3458764513820540928", "BINARY_SI"},
        {"10Ti", "10995116277760", "BINARY_SI"},
        {"100Ti", "109951162777600", "BINARY_SI"},
        {"5n", "5e-9", "DECIMAL_SI"},
        {"4u", "4e-6", "DECIMAL_SI"},
        {"3m", "3e-3", "DECIMAL_SI"},
        {"9", "9", "DECIMAL_SI"},
        {"8k", "8e3", "DECIMAL_SI"},
        {"50k", "5e4", "DECIMAL_SI"},
        {"7M", "7e6", "DECIMAL_SI"},
        {"6G", "6e9", "DECIMAL_SI"},
        {"5T", "5e12", "DECIMAL_SI"},
        {"40T", "4e13", "DECIMAL_SI"},
        {"300T", "3e14", "DECIMAL_SI"},
        {"2P", "2e15", "DECIMAL_SI"},
        {"1E", "1e18", "DECIMAL_SI"},
        {"1E-3", "1e-3", "DECIMAL_EXPONENT"},
        {"1e3", "1e3", "DECIMAL_EXPONENT"},
        {"1E6", "1e6", "DECIMAL_EXPONENT"},
        {"1e9", "1e9", "DECIMAL_EXPONENT"},
        {"1E12", "1e12", "DECIMAL_EXPONENT"},
        {"1e15", "1e15", "DECIMAL_EXPONENT"},
        {"1E18", "1e18", "DECIMAL_EXPONENT"},
        {"1e14", "1e14", "DECIMAL_EXPONENT"},
        {"1e13", "1e13", "DECIMAL_EXPONENT"},
        {"1e3", "1e3", "DECIMAL_EXPONENT"},
        {"100.035k", "100035", "DECIMAL_SI"},
        {"0.001", "1e-3", "DECIMAL_SI"},
        {"0.0005k", "5e-1", "DECIMAL_SI"},
        {"0.005", "5e-3", "DECIMAL_SI"},
        {"0.05", "5e-2", "DECIMAL_SI"},
        {"0.5", "5e-1", "DECIMAL_SI"},
        {"0.00050k", "5e-1", "DECIMAL_SI"},
        {"0.00500", "5e-3", "DECIMAL_SI"},
        {"0.05000", "5e-2", "DECIMAL_SI"},
        {"0.50000", "5e-1", "DECIMAL_SI"},
        {"0.5e0", "5e-1", "DECIMAL_EXPONENT"},
        {"0.5e-1", "5e-2", "DECIMAL_EXPONENT"},
        {"0.5e-2", "5e-3", "DECIMAL_EXPONENT"},
        {"0.5e0", "5e-1", "DECIMAL_EXPONENT"},
        {"10.035M", "10035e3", "DECIMAL_SI"},
        {"1.2e3", "12e2", "DECIMAL_EXPONENT"},
        {"1.3E+6", "13e5", "DECIMAL_EXPONENT"},
        {"1.40e9", "14e8", "DECIMAL_EXPONENT"},
        {"1.53E12", "153e10", "DECIMAL_EXPONENT"},
        {"1.6e15", "16e14", "DECIMAL_EXPONENT"},
        {"1.7E18", "17e17", "DECIMAL_EXPONENT"},
        {"9.01", "901e-2", "DECIMAL_SI"},
        {"8.1k", "81e2", "DECIMAL_SI"},
        {"7.123456M", "7123456", "DECIMAL_SI"},
        {"6.987654321G", "6987654321", "DECIMAL_SI"},
        {"5.444T", "5444e9", "DECIMAL_SI"},
        {"40.1T", "401e11", "DECIMAL_SI"},
        {"300.2T", "3002e11", "DECIMAL_SI"},
        {"2.5P", "25e14", "DECIMAL_SI"},
        {"1.01E", "101e16", "DECIMAL_SI"},
        {"3.001n", "4e-9", "DECIMAL_SI"},
        {"1.1E-9", "2e-9", "DECIMAL_EXPONENT"},
        {"0.0000000001", "1e-9", "DECIMAL_SI"},
        {"0.0000000005", "1e-9", "DECIMAL_SI"},
        {"0.00000000050", "1e-9", "DECIMAL_SI"},
        {"0.5e-9", "1e-9", "DECIMAL_EXPONENT"},
        {"0.9n", "1e-9", "DECIMAL_SI"},
        {"0.00000012345", "124e-9", "DECIMAL_SI"},
        {"0.00000012354", "124e-9", "DECIMAL_SI"},
        {"9Ei", "9223372036854775807", "BINARY_SI"},
        {"9223372036854775807Ki", "9223372036854775807", "BINARY_SI"},
        {"12E", "12e18", "DECIMAL_SI"},
        {"100.035Ki", "10243584e-2", "BINARY_SI"},
        {"0.5Mi", "524288", "BINARY_SI"},
        {"0.05Gi", "536870912e-1", "BINARY_SI"},
        {"0.025Ti", "274877906944e-1", "BINARY_SI"},
        {"0.000000000001Ki", "2e-9", "DECIMAL_SI"},
        {".001", "1e-3", "DECIMAL_SI"},
        {".0001k", "100e-3", "DECIMAL_SI"},
        {"1.", "1", "DECIMAL_SI"},
        {"1.G", "1e9", "DECIMAL_SI"},
    };

    /** kube's TestQuantityParse: texts it refuses. */
    private static final String[] INVALID = {"1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "};

    /** kube's TestParseQuantity table: the text, its value, its String(). */
    private static final String[][] LIMITS = {
        {"-999999999999999999", "-999999999999999999", "-999999999999999999"},
        {"999999999999999999", "999999999999999999", "999999999999999999"},
        {"-999999999999999999.0", "-999999999999999999", "-999999999999999999"},
        {"999999999999999999.0", "999999999999999999", "999999999999999999"},
        {"-999999999999999999.1", "-999999999999999999.1", "-999999999999999999100m"},
        {"999999999999999999.1", "999999999999999999.1", "999999999999999999100m"},
        {"-9999999999999999999", "-9999999999999999999", "-9999999999999999999"},
        {"9999999999999999999", "9999999999999999999", "9999999999999999999"},
        {"-1E", "-1000000000000000000", "-1E"},
        {"1E", "1000000000000000000", "1E"},
        {"-1000000000000000000", "-1000000000000000000", "-1E"},
        {"1000000000000000000", "1000000000000000000", "1E"},
        {"-9999999999999999999.0", "-9999999999999999999", "-9999999999999999999"},
        {"9999999999999999999.0", "9999999999999999999", "9999999999999999999"},
        {"-1.0E", "-1000000000000000000", "-1E"},
        {"1.0E", "1000000000000000000", "1E"},
        {"-1000000000000000000.0", "-1000000000000000000", "-1E"},
        {"1000000000000000000.0", "1000000000000000000", "1E"},
        {"-9999999999999999999000m", "-9999999999999999999", "-9999999999999999999"},
        {"9999999999999999999000m", "9999999999999999999", "9999999999999999999"},
        {"-9999999999999999999.1", "-9999999999999999999.1", "-9999999999999999999100m"},
        {"9999999999999999999.1", "9999999999999999999.1", "9999999999999999999100m"},
        {"-1.0000000000000000001E", "-1000000000000000000.1", "-1000000000000000000100m"},
        {"1.0000000000000000001E", "1000000000000000000.1", "1000000000000000000100m"},
        {"-1000000000000000000.1", "-1000000000000000000.1", "-1000000000000000000100m"},
        {"1000000000000000000.1", "1000000000000000000.1", "1000000000000000000100m"},
        {"-1.000000000000000001E", "-1000000000000000001", "-1000000000000000001"},
        {"1.000000000000000001E", "1000000000000000001", "1000000000000000001"},
        {"-1000000000000000001", "-1000000000000000001", "-1000000000000000001"},
        {"1000000000000000001", "1000000000000000001", "1000000000000000001"},
        {"-10E", "-10000000000000000000", "-10E"},
        {"10E", "10000000000000000000", "10E"},
        {"-10000000000000000000", "-10000000000000000000", "-10E"},
        {"10000000000000000000", "10000000000000000000", "10E"},
        {"-10.0E", "-10000000000000000000", "-10E"},
        {"10.0E", "10000000000000000000", "10E"},
        {"-10000000000000000000.0", "-10000000000000000000", "-10E"},
        {"10000000000000000000.0", "10000000000000000000", "10E"},
        {"-10000000000000000000000m", "-10000000000000000000", "-10E"},
        {"10000000000000000000000m", "10000000000000000000", "10E"},
        {"-10.0000000000000000001E", "-10000000000000000000.1", "-10000000000000000000100m"},
        {"10.0000000000000000001E", "10000000000000000000.1", "10000000000000000000100m"},
        {"-10000000000000000000.1", "-10000000000000000000.1", "-10000000000000000000100m"},
        {"10000000000000000000.1", "10000000000000000000.1", "10000000000000000000100m"},
        {"-10.000000000000000001E", "-10000000000000000001", "-10000000000000000001"},
        {"10.000000000000000001E", "10000000000000000001", "10000000000000000001"},
        {"-10000000000000000001", "-10000000000000000001", "-10000000000000000001"},
        {"10000000000000000001", "10000000000000000001", "10000000000000000001"},
        {"-9223372036854775809", "-9223372036854775809", "-9223372036854775809"},
        {"9223372036854775806", "9223372036854775806", "9223372036854775806"},
        {"-9223372036854775809.0", "-9223372036854775809", "-9223372036854775809"},
        {"9223372036854775806.0", "9223372036854775806", "9223372036854775806"},
        {"-9223372036854775809000m", "-9223372036854775809", "-9223372036854775809"},
        {"9223372036854775806000m", "9223372036854775806", "9223372036854775806"},
        {"-9223372036854775809.1", "-9223372036854775809.1", "-9223372036854775809100m"},
        {"9223372036854775806.1", "9223372036854775806.1", "9223372036854775806100m"},
        {"-9223372036854775808", "-9223372036854775808", "-9223372036854775808"},
        {"9223372036854775807", "9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808.0", "-9223372036854775808", "-9223372036854775808"},
        {"9223372036854775807.0", "9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808000m", "-9223372036854775808", "-9223372036854775808"},
        {"9223372036854775807000m", "9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808.1", "-9223372036854775808.1", "-9223372036854775808100m"},
        {"9223372036854775807.1", "9223372036854775807.1", "9223372036854775807100m"},
        {"-9223372036854775807", "-9223372036854775807", "-9223372036854775807"},
        {"9223372036854775808", "9223372036854775808", "9223372036854775808"},
        {"-9223372036854775807.0", "-9223372036854775807", "-9223372036854775807"},
        {"9223372036854775808.0", "9223372036854775808", "9223372036854775808"},
        {"-9223372036854775807000m", "-9223372036854775807", "-9223372036854775807"},
        {"9223372036854775808000m", "9223372036854775808", "9223372036854775808"},
        {"-9223372036854775807.1", "-9223372036854775807.1", "-9223372036854775807100m"},
        {"9223372036854775808.1", "9223372036854775808.1", "9223372036854775808100m"},
    };

    /** kube's TestQuantityString table: a canonical text (kept as given) and another text for it (or none). */
    private static final String[][] STRINGS = {
        {"1Gi", "1024Mi"},
        {"300Mi", "307200Ki"},
        {"6Ki", ""},
        {"1001Gi", "1025024Mi"},
        {"1Ti", "1024Gi"},
        {"5", "5000m"},
        {"500m", "0.5"},
        {"1G", "1000M"},
        {"1G", "0.001T"},
        {"1G", ""},
        {"1G", ""},
        {"1m", "1000u"},
        {"80m", ""},
        {"1080m", "1.08"},
        {"1080m", "1080000000n"},
        {"1080m", ""},
        {"300M", ""},
        {"1T", ""},
        {"1234567M", ""},
        {"1234567m", ""},
        {"3k", ""},
        {"1025", ""},
        {"0", ""},
        {"0", ""},
        {"1e9", ".001e12"},
        {"1e-3", "0.001e0"},
        {"1e-9", "1000e-12"},
        {"80e-3", ""},
        {"300e6", ""},
        {"1e12", ""},
        {"1e3", ""},
        {"3e3", ""},
        {"3k", ""},
        {"0", "00"},
        {"1n", ""},
        {"80n", ""},
        {"1080n", ""},
        {"1080n", ""},
        {"1080n", ""},
        {"1u", ""},
        {"80u", ""},
        {"1080u", ""},
    };

    /** kube's TestQuantityParseEmit table: a text and its String(). */
    private static final String[][] EMITTED = {
        {"1Ki", "1Ki"},
        {"1Mi", "1Mi"},
        {"1Gi", "1Gi"},
        {"1024Mi", "1Gi"},
        {"1000M", "1G"},
        {".001Ki", "1024m"},
        {".000001Ki", "1024u"},
        {".000000001Ki", "1024n"},
        {".000000000001Ki", "2n"},
    };

    // ---- the cases of kapi-group-core's copy

    @Test
    void canonicalFormsAreKubes() {
        // the examples of kube's Quantity documentation and quantity_test.go
        assertEquals("1500m", canonical("1.5"));
        assertEquals("1536Mi", canonical("1.5Gi"));
        assertEquals("1Gi", canonical("1024Mi"));
        assertEquals("1000Mi", canonical("1000Mi"));
        assertEquals("1G", canonical("1000M"));
        assertEquals("100m", canonical("100m"));
        assertEquals("1", canonical("1000m"));
        assertEquals("1e3", canonical("1e3"));
        assertEquals("1E3", canonical("1E3"), "kept as given: kube caches it");
        assertEquals("1e3", Quantity.parse("1E3").canonical());
        assertEquals("1500", canonical("1.5e3"));
        assertEquals("5e-3", canonical("5e-3"));
        assertEquals("512", canonical("0.5Ki"), "a binary value below 1Ki is printed in decimal");
        assertEquals("1023", canonical("1023"));
        assertEquals("1k", canonical("1000"));
        assertEquals("0", canonical("0"));
        assertEquals("0", canonical("0Gi"));
        assertEquals("0", canonical("000"));
        assertEquals("-1536Mi", canonical("-1.5Gi"));
        assertEquals("100E", canonical("100000000000000000000"));
        assertEquals("9223372036854775807", canonical("8Ei"), "binary values are capped at 2^63-1");
        assertEquals("100u", canonical("0.1m"));
    }

    @Test
    void theTextGivenIsKeptWhereKubeKeepsIt() {
        assertEquals("+1Gi", canonical("+1Gi"));
        assertEquals("10Gi", canonical("10Gi"));
        assertEquals("8Gi", canonical("8Gi"), "8Gi is not cached by kube, but is canonical anyway");
        assertEquals("1.", canonical("1."));
        assertEquals("10G", canonical("10G"));
    }

    @Test
    void defaultingRoundsUpToMilli() {
        assertEquals("1m", Quantity.parse("0.1m").roundUpToMilli().toString());
        assertEquals("1m", Quantity.parse("1n").roundUpToMilli().toString());
        assertEquals("1001m", Quantity.parse("1.0001").roundUpToMilli().toString());
        assertEquals("10Gi", Quantity.parse("10Gi").roundUpToMilli().toString());
        assertEquals("1n", Quantity.parse("0.0000000001").toString(), "below nano rounds up to a nano");
    }

    @Test
    void malformedQuantitiesAreRefusedWithKubesMessages() {
        for (String bad : new String[] {"", "abc", "1.5.5", "1Gib", "1e-x"}) {
            Quantity.InvalidQuantityException e = assertThrows(Quantity.InvalidQuantityException.class, () -> Quantity.parse(bad), bad);
            assertEquals(Quantity.ERR_FORMAT_WRONG, e.getMessage(), bad);
        }
        for (String bad : new String[] {"1K", "1e", "1e+", "1Ti5", "--1"}) {
            Quantity.InvalidQuantityException e = assertThrows(Quantity.InvalidQuantityException.class, () -> Quantity.parse(bad), bad);
            assertTrue(e.getMessage().equals(Quantity.ERR_SUFFIX) || e.getMessage().equals(Quantity.ERR_FORMAT_WRONG), bad);
        }
        assertEquals(Quantity.ERR_SUFFIX,
                assertThrows(Quantity.InvalidQuantityException.class, () -> Quantity.parse("1K")).getMessage());
    }

    @Test
    void valuesCompareExactlyAndRoundAsKube() {
        assertEquals(0, Quantity.parse("1Gi").compareTo(Quantity.parse("1024Mi")));
        assertTrue(Quantity.parse("1G").compareTo(Quantity.parse("1Gi")) < 0);
        assertEquals(2, Quantity.parse("1.5").value());
        assertEquals(-2, Quantity.parse("-1.5").value(), "int64 amounts round away from zero");
        assertEquals(10L << 30, Quantity.parse("10Gi").value());
    }

    @Test
    void goSyntaxIsWhatKubesErrorsPrint() {
        assertEquals("resource.Quantity{i:resource.int64Amount{value:10, scale:9}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"10G\", Format:\"DecimalSI\"}", Quantity.parse("10G").roundUpToMilli().goSyntax());
        assertEquals("resource.Quantity{i:resource.int64Amount{value:1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"1\", Format:\"DecimalSI\"}", Quantity.parse("1").goSyntax());
    }

    // ---- the cases of kapi-group-autoscaling's copy

    @Test
    void quantitiesAreParsedAndPrintedAsKubeDoes() {
        assertEquals("500m", Quantity.parse("0.5").toString());
        assertEquals("1Gi", Quantity.parse("1024Mi").toString());
        assertEquals("1536Mi", Quantity.parse("1.5Gi").toString());
        assertEquals("1100m", Quantity.parse("1.1").toString());
        assertEquals("100m", Quantity.parse("100m").toString());
        assertEquals("1k", Quantity.parse("1000").toString());
        assertEquals("5e-3", Quantity.parse("5e-3").toString());
        assertEquals("0", Quantity.ZERO.toString());
        assertEquals(Quantity.ERR_FORMAT_WRONG, assertThrows(IllegalArgumentException.class, () -> Quantity.parse("abc")).getMessage());
        assertEquals(Quantity.ERR_SUFFIX, assertThrows(IllegalArgumentException.class, () -> Quantity.parse("5i")).getMessage());
        assertEquals(-1, Quantity.parse("-1m").sign());
        assertEquals(0, Quantity.parse("-0").sign());
    }

    @Test
    void goSyntaxOfAnInvalidValueIsKubes() {
        // HorizontalPodAutoscaler validation prints these
        assertEquals("resource.Quantity{i:resource.int64Amount{value:-1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"-1\", Format:\"DecimalSI\"}", Quantity.parse("-1").goSyntax());
        assertEquals("resource.Quantity{i:resource.int64Amount{value:-5, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"-5m\", Format:\"DecimalSI\"}", Quantity.parse("-5m").goSyntax());
        assertEquals("resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(0xc000000000)}, "
                + "s:\"\", Format:\"BinarySI\"}", Quantity.parse("1.5Gi").goSyntax(), "an inf.Dec's address is a fixed one");
    }

    // ---- kube's tables

    @Test
    void kubesParseTable() {
        for (String[] row : PARSED) {
            BigDecimal want = new BigDecimal(row[1]);
            Quantity.Format format = Quantity.Format.valueOf(row[2]);
            for (String sign : new String[] {"", "+", "-"}) {
                Quantity q = Quantity.parse(sign + row[0]);
                assertEquals(0, q.decimal().compareTo(sign.equals("-") ? want.negate() : want), sign + row[0] + ": " + q.decimal());
                assertEquals(format, q.format(), sign + row[0]);
            }
        }
        for (String bad : INVALID) {
            assertThrows(Quantity.InvalidQuantityException.class, () -> Quantity.parse(bad), bad);
        }
    }

    @Test
    void kubesLimitsTable() {
        for (String[] row : LIMITS) {
            Quantity q = Quantity.parse(row[0]);
            assertEquals(0, q.decimal().compareTo(new BigDecimal(row[1])), row[0]);
            assertEquals(row[2], q.toString(), row[0]);
        }
    }

    @Test
    void kubesStringTable() {
        for (String[] row : STRINGS) {
            Quantity q = Quantity.parse(row[0]);
            assertEquals(row[0], q.toString());
            assertTrue(q.goSyntax().contains("s:\"" + row[0] + "\""), row[0] + " is kept: " + q.goSyntax());
            if (!q.isZero()) {
                assertEquals("-" + row[0], Quantity.parse("-" + row[0]).toString());
            }
            if (!row[1].isEmpty()) {
                Quantity alternate = Quantity.parse(row[1]);
                assertEquals(row[0], alternate.toString(), row[1]);
                assertTrue(alternate.goSyntax().contains("s:\"\""), row[1] + " is not kept: " + alternate.goSyntax());
            }
        }
    }

    @Test
    void kubesParseEmitTable() {
        for (String[] row : EMITTED) {
            assertEquals(row[1], canonical(row[0]), row[0]);
            assertEquals("-" + row[1], canonical("-" + row[0]), "-" + row[0]);
        }
    }

    // ---- where the two copies differed, and what neither covered

    @Test
    void theZeroValueIsGosNotTheParsedZero() {
        assertEquals("resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"\", Format:\"\"}", Quantity.ZERO.goSyntax());
        assertNull(Quantity.ZERO.format());
        assertTrue(Quantity.ZERO.isZero());
        assertEquals(0, Quantity.ZERO.value());
        assertEquals(0, Quantity.ZERO.compareTo(Quantity.parse("0")));
        assertEquals("resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"0\", Format:\"DecimalSI\"}", Quantity.parse("0").goSyntax());
    }

    @Test
    void onlyANonZeroBinaryValueBelowOneBecomesDecimal() {
        assertEquals(Quantity.Format.BINARY_SI, Quantity.parse("0.0Ki").format());
        assertEquals(Quantity.Format.DECIMAL_SI, Quantity.parse("0.000000000001Ki").format());
        assertEquals("BinarySI", Quantity.Format.BINARY_SI.goName());
    }

    @Test
    void aNumberNoDecimalReadsIsKubesNumericError() {
        assertEquals(Quantity.ERR_NUMERIC, assertThrows(Quantity.InvalidQuantityException.class, () -> Quantity.parse(".e-20")).getMessage());
        assertNull(Quantity.parseOrNull(".e-20"));
        assertNull(Quantity.parseOrNull("abc"));
        assertEquals("1k", Quantity.parseOrNull("1000").toString());
    }

    @Test
    void valueIsKubesEvenWhereItOverflows() {
        assertEquals(1, Quantity.parse("1n").value());
        assertEquals(1, Quantity.parse("1u").value());
        assertEquals(1, Quantity.parse("1m").value());
        assertEquals(1, Quantity.parse("1").value());
        assertEquals(9_000_000_000_000_000_000L, Quantity.parse("9e18").value());
        assertEquals(0, Quantity.parse("1e19").value(), "an int64 amount that overflows is 0");
        assertEquals(0, Quantity.parse("-1e19").value());
        // arbitrary-precision amounts: truncated, plus one when anything was cut
        assertEquals(2, Quantity.parse("1.50000000000000000000").value());
        assertEquals(0, Quantity.parse("-1.50000000000000000000").value());
        assertEquals(Long.MAX_VALUE, Quantity.parse("8Ei").value());
        assertEquals(-Long.MAX_VALUE, Quantity.parse("-8Ei").value());
        assertEquals(7_766_279_631_452_241_920L, Quantity.parse("100000000000000000000").value(), "1e20's low 64 bits");
    }

    @Test
    void beyondTheLargestSuffixKubePrintsTheBareMantissa() {
        assertEquals("100e18", canonical("1e20"));
        assertEquals("100E", canonical("100000000000000000000"));
        assertEquals("1", canonical("1000000000000000000000"), "10^21 has no decimal SI suffix in kube's suffixer");
        assertEquals("1e21", canonical("1000000000000000000000e0"));
    }

    @Test
    void roundingUpToMilliIsAwayFromZero() {
        assertEquals("-1m", Quantity.parse("-0.00000000000000000001").roundUpToMilli().toString());
        assertEquals("1001m", Quantity.parse("1.00000000000000000001").roundUpToMilli().toString());
        assertEquals("-10m", Quantity.parse("-9.01m").roundUpToMilli().toString());
        assertEquals("9010m", Quantity.parse("9.01").roundUpToMilli().toString());
        assertEquals("-9010m", Quantity.parse("-9.01").roundUpToMilli().toString());
    }

    @Test
    void extremeExponentsCostNothing() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals("1e-9", canonical("1e-1000000000"), "rounded up to a nano");
            assertEquals("-1e-9", canonical("-1e-1000000000"));
            assertEquals("1e-9", canonical("0.12345678901234567890e-1000000000"));
            Quantity huge = Quantity.parse("1e1000000000");
            assertEquals("10e999999999", huge.toString());
            assertEquals(0, huge.value());
            assertTrue(huge.compareTo(Quantity.parse("1E")) > 0);
            Quantity hugeDec = Quantity.parse("12345678901234567890e1000000000");
            assertEquals("123456789012345678900e999999999", hugeDec.toString());
            assertEquals(0, hugeDec.value());
            assertTrue(hugeDec.compareTo(huge) > 0);
            assertEquals("10e99996", canonical("1" + "0".repeat(100_000) + "e-3"));
        });
    }

    @Test
    void aResourceListIsCanonicalizedAsKubeDecodesAndDefaultsIt() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode list = mapper.readTree("{\"cpu\":\"0.5\",\"memory\":\" 1Gi \",\"pods\":10,"
                + "\"tiny\":\"1n\",\"none\":null}");
        Quantity.canonicalizeList(list);
        org.junit.jupiter.api.Assertions.assertEquals("{\"cpu\":\"500m\",\"memory\":\"1Gi\",\"pods\":\"10\",\"tiny\":\"1m\",\"none\":\"0\"}",
                list.toString());
        Quantity.InvalidQuantityException e = org.junit.jupiter.api.Assertions.assertThrows(Quantity.InvalidQuantityException.class,
                () -> Quantity.canonicalizeList(mapper.readTree("{\"cpu\":true}")));
        org.junit.jupiter.api.Assertions.assertEquals(Quantity.ERR_FORMAT_WRONG, e.getMessage());
    }
}
