package io.kapi.server.apiextensions.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code format} at runtime, on values the compile-time check cannot see (cel-go's renderings and errors). */
class StringFormatTest {
    @Test
    void negativeIntegersKeepTheirSign() throws Exception {
        assertEquals("-1e -101 -13", StringFormat.evaluate("%x %b %o", List.of(-30L, -5L, -11L)));
        assertEquals("ffffffffffffffff", StringFormat.evaluate("%x", List.of(UnsignedLong.MAX_VALUE)));
    }

    @Test
    void doublesInListsAreFixedPointAndSpecialValuesQuoted() throws Exception {
        assertEquals("[1.000000, \"NaN\", \"+Inf\", \"-Inf\"]", StringFormat.evaluate("%s",
                List.of(List.of(1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY))));
    }

    @Test
    void bytesThatAreNotUtf8CannotBeAString() {
        CelEvaluationException e = assertThrows(CelEvaluationException.class,
                () -> StringFormat.evaluate("%s", List.of(CelByteString.of(new byte[] {(byte) 0xff}))));
        assertEquals("error during formatting: could not convert argument \"invalid UTF-8 in bytes, cannot convert to string\" "
                + "to string", e.getMessage());
    }

    @Test
    void precisionErrorsAreGos() {
        CelEvaluationException e = assertThrows(CelEvaluationException.class, () -> StringFormat.evaluate("%.f", List.of(1.0)));
        assertEquals("could not parse formatting clause: error while parsing precision: error while converting precision to "
                + "integer: strconv.Atoi: parsing \"\": invalid syntax", e.getMessage());
    }

    @Test
    void runtimeArgumentCountIsCheckedBeforeTheClause() {
        CelEvaluationException e = assertThrows(CelEvaluationException.class, () -> StringFormat.evaluate("filler %", List.of()));
        assertEquals("index 0 out of range", e.getMessage());
    }
}
