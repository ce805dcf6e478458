package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code []byte} fields of a CertificateSigningRequest ({@code spec.request},
 * {@code status.certificate}) as kube holds them: JSON base64 strings decoded as Go's JSON decoder
 * decodes them, and printed in field errors as Go's {@code %#v} prints a byte slice.
 */
final class GoBytes {
    static final String KIND = "CertificateSigningRequest";

    private GoBytes() {
    }

    /**
     * kube's decoding of the object's byte fields: a body whose base64 Go cannot decode is kube's 400
     * ({@code transformDecodeError}: {@code CertificateSigningRequest in version "v1" cannot be handled as a
     * CertificateSigningRequest: illegal base64 data at input byte 4}), before anything else is done.
     */
    static void checkDecodable(ObjectNode csr) {
        check(csr.path("spec").get("request"));
        check(csr.path("status").get("certificate"));
    }

    private static void check(JsonNode field) {
        if (field == null || !field.isTextual()) {
            return;
        }
        try {
            GoBase64.decode(field.asText().getBytes(StandardCharsets.UTF_8));
        } catch (GoBase64.CorruptInputException e) {
            throw StatusException.badRequest(KIND + " in version \"v1\" cannot be handled as a " + KIND + ": " + e.getMessage());
        }
    }

    /** The bytes of a field: null for Go's nil slice (absent or null), else the decoded bytes. */
    static byte[] of(JsonNode field) {
        if (field == null || field.isNull() || field.isMissingNode()) {
            return null;
        }
        try {
            return GoBase64.decode(field.asText("").getBytes(StandardCharsets.UTF_8));
        } catch (GoBase64.CorruptInputException e) {
            // not reached for what was written through the API (checkDecodable); stored data is taken as opaque text
            return field.asText("").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Whether the field holds no bytes (Go's {@code len(b) == 0}). */
    static boolean isEmpty(JsonNode field) {
        byte[] b = of(field);
        return b == null || b.length == 0;
    }

    /** Go's {@code %#v} of a byte slice: {@code []byte{0x2d, 0xa}}, {@code []byte{}}, {@code []byte(nil)}. */
    static String goSyntax(byte[] bytes) {
        if (bytes == null) {
            return "[]byte(nil)";
        }
        StringBuilder b = new StringBuilder(8 + bytes.length * 6).append("[]byte{");
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append("0x").append(Integer.toHexString(bytes[i] & 0xff));
        }
        return b.append('}').toString();
    }
}
