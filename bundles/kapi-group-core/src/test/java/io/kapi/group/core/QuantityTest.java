package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** kube's resource.Quantity: its grammar and errors, rounding, canonical form and the text it keeps. */
class QuantityTest {
    private static String canonical(String s) throws Exception {
        return Quantity.parse(s).toString();
    }

    @Test
    void canonicalFormsAreKubes() throws Exception {
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
    void theTextGivenIsKeptWhereKubeKeepsIt() throws Exception {
        assertEquals("+1Gi", canonical("+1Gi"));
        assertEquals("10Gi", canonical("10Gi"));
        assertEquals("8Gi", canonical("8Gi"), "8Gi is not cached by kube, but is canonical anyway");
        assertEquals("1.", canonical("1."));
        assertEquals("10G", canonical("10G"));
    }

    @Test
    void defaultingRoundsUpToMilli() throws Exception {
        assertEquals("1m", Quantity.parse("0.1m").roundUpToMilli().toString());
        assertEquals("1m", Quantity.parse("1n").roundUpToMilli().toString());
        assertEquals("1001m", Quantity.parse("1.0001").roundUpToMilli().toString());
        assertEquals("10Gi", Quantity.parse("10Gi").roundUpToMilli().toString());
        assertEquals("1n", Quantity.parse("0.0000000001").toString(), "below nano rounds up to a nano");
    }

    @Test
    void malformedQuantitiesAreRefusedWithKubesMessages() {
        for (String bad : new String[] {"", "abc", "1.5.5", "1Gib", "1e-x"}) {
            Quantity.ParseException e = assertThrows(Quantity.ParseException.class, () -> Quantity.parse(bad), bad);
            assertEquals(Quantity.ERR_FORMAT, e.getMessage(), bad);
        }
        for (String bad : new String[] {"1K", "1e", "1e+", "1Ti5", "--1"}) {
            Quantity.ParseException e = assertThrows(Quantity.ParseException.class, () -> Quantity.parse(bad), bad);
            assertTrue(e.getMessage().equals(Quantity.ERR_SUFFIX) || e.getMessage().equals(Quantity.ERR_FORMAT), bad);
        }
        assertEquals(Quantity.ERR_SUFFIX, assertThrows(Quantity.ParseException.class, () -> Quantity.parse("1K")).getMessage());
    }

    @Test
    void valuesCompareExactlyAndRoundAsKube() throws Exception {
        assertEquals(0, Quantity.parse("1Gi").compareTo(Quantity.parse("1024Mi")));
        assertTrue(Quantity.parse("1G").compareTo(Quantity.parse("1Gi")) < 0);
        assertEquals(2, Quantity.parse("1.5").value());
        assertEquals(-2, Quantity.parse("-1.5").value(), "int64 amounts round away from zero");
        assertEquals(10L << 30, Quantity.parse("10Gi").value());
    }

    @Test
    void goSyntaxIsWhatKubesErrorsPrint() throws Exception {
        assertEquals("resource.Quantity{i:resource.int64Amount{value:10, scale:9}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"10G\", Format:\"DecimalSI\"}", Quantity.parse("10G").roundUpToMilli().goSyntax());
        assertEquals("resource.Quantity{i:resource.int64Amount{value:1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, "
                + "s:\"1\", Format:\"DecimalSI\"}", Quantity.parse("1").goSyntax());
    }
}
