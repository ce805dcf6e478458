package io.kapi.group.certificates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Go behaviours kube's CSR validation rests on: base64 and PEM decoding, byte slice printing. */
class GoEncodingsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Where Go reports corruption, -1 for none: the cases of Go's encoding/base64 TestDecodeCorrupt. */
    private static int corruptAt(String input) {
        try {
            GoBase64.decode(b(input));
            return -1;
        } catch (GoBase64.CorruptInputException e) {
            return e.offset;
        }
    }

    @Test
    void base64CorruptionIsReportedAtGosOffset() {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("", -1);
        cases.put("\n", -1);
        cases.put("AAA=\n", -1);
        cases.put("AAAA\n", -1);
        cases.put("!!!!", 0);
        cases.put("====", 0);
        cases.put("x===", 1);
        cases.put("=AAA", 0);
        cases.put("A=AA", 1);
        cases.put("AA=A", 2);
        cases.put("AA==A", 4);
        cases.put("AAA=AAAA", 4);
        cases.put("AAAAA", 4);
        cases.put("AAAAAA", 4);
        cases.put("A=", 1);
        cases.put("A==", 1);
        cases.put("AA=", 3);
        cases.put("AA==", -1);
        cases.put("AAA=", -1);
        cases.put("AAAA", -1);
        cases.put("AAAAAA=", 7);
        cases.put("YWJjZA=====", 8);
        cases.put("A!\n", 1);
        cases.put("A=\n", 1);
        cases.forEach((input, offset) -> assertEquals(offset, corruptAt(input), "offset in " + input));
    }

    @Test
    void base64DecodesWithNewlinesAnywhere() throws Exception {
        assertArrayEquals(b("abcd"), GoBase64.decode(b("YWJj\r\nZA==")));
        assertArrayEquals(b("ab"), GoBase64.decode(b("YW\nI=")));
        assertArrayEquals(new byte[0], GoBase64.decode(b("")));
    }

    @Test
    void undecodableByteFieldsAreKubes400() throws Exception {
        ObjectNode csr = (ObjectNode) new ObjectMapper().readTree("{\"spec\":{\"request\":\"AB!D\"}}");
        StatusException e = assertThrows(StatusException.class, () -> GoBytes.checkDecodable(csr));
        assertEquals(400, e.code());
        assertEquals("CertificateSigningRequest in version \"v1\" cannot be handled as a CertificateSigningRequest: "
                + "illegal base64 data at input byte 2", e.getMessage());
        ObjectNode status = (ObjectNode) new ObjectMapper().readTree("{\"status\":{\"certificate\":\"QQ\"}}");
        assertEquals("CertificateSigningRequest in version \"v1\" cannot be handled as a CertificateSigningRequest: "
                + "illegal base64 data at input byte 0", assertThrows(StatusException.class, () -> GoBytes.checkDecodable(status)).getMessage());
        GoBytes.checkDecodable((ObjectNode) new ObjectMapper().readTree("{\"spec\":{\"request\":null},\"status\":{\"certificate\":\"QUJD\"}}"));
    }

    @Test
    void byteSlicesPrintAsGosHashV() {
        assertEquals("[]byte(nil)", GoBytes.goSyntax(null));
        assertEquals("[]byte{}", GoBytes.goSyntax(new byte[0]));
        assertEquals("[]byte{0x2d, 0xa, 0x0, 0xff}", GoBytes.goSyntax(new byte[] {0x2d, 0x0a, 0, (byte) 0xff}));
    }

    @Test
    void pemFindsTheFirstWellFormedBlock() {
        String block = TestPki.pem("CERTIFICATE REQUEST", new byte[] {1, 2, 3});
        GoPem.Block p = GoPem.decode(b("leading text\n" + block + "trailing"));
        assertNotNull(p);
        assertEquals("CERTIFICATE REQUEST", p.type());
        assertArrayEquals(new byte[] {1, 2, 3}, p.bytes());
        assertEquals("trailing", new String(p.rest(), StandardCharsets.UTF_8));
        // no line start before BEGIN: not a block
        assertNull(GoPem.decode(b("x-----BEGIN A-----\nAQID\n-----END A-----\n")));
        // a mismatched END type is skipped, as a body that is not base64
        assertNull(GoPem.decode(b("-----BEGIN A-----\nAQID\n-----END B-----\n")));
        assertNull(GoPem.decode(b("-----BEGIN A-----\nAQ?D\n-----END A-----\n")));
        // headers are kept, the empty block at once after BEGIN too
        GoPem.Block headers = GoPem.decode(b("-----BEGIN A-----\nKey: Value\n\nAQID\n-----END A-----\n"));
        assertEquals(Map.of("Key", "Value"), headers.headers());
        GoPem.Block empty = GoPem.decode(b("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"));
        assertEquals(0, empty.bytes().length);
        assertNull(GoPem.decode(b("invalid data")));
    }

    @Test
    void derHeadersFailAsGosAsn1() {
        assertEquals("asn1: syntax error: truncated tag or length",
                assertThrows(GoDer.Asn1Exception.class, () -> GoDer.header(new byte[] {0x30})).getMessage());
        assertEquals("asn1: syntax error: indefinite length found (not DER)",
                assertThrows(GoDer.Asn1Exception.class, () -> GoDer.header(new byte[] {0x30, (byte) 0x80})).getMessage());
        assertEquals("asn1: structure error: non-minimal length",
                assertThrows(GoDer.Asn1Exception.class, () -> GoDer.header(new byte[] {0x30, (byte) 0x81, 0x05})).getMessage());
        assertEquals("asn1: structure error: superfluous leading zeros in length",
                assertThrows(GoDer.Asn1Exception.class, () -> GoDer.header(new byte[] {0x30, (byte) 0x82, 0x00, 0x05})).getMessage());
    }
}
