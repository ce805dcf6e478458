package io.kapi.group.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kube 1.32's CertificateSigningRequest validation, with the cases and messages of kube's
 * pkg/apis/certificates/validation/validation_test.go (TestValidateCertificateSigningRequestCreate, the
 * update, status and approval tables, Test_validateCertificateSigningRequestOptions), on real requests.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CsrValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBDOMAIN_ERROR = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            + "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    static ObjectNode csr(byte[] request, String signerName, String... usages) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("name", "testcsr");
        ObjectNode spec = o.putObject("spec");
        if (request != null) {
            spec.put("request", TestPki.json(request));
        }
        spec.put("signerName", signerName);
        ArrayNode u = spec.putArray("usages");
        Arrays.stream(usages).forEach(u::add);
        return o;
    }

    static ObjectNode valid() {
        return csr(TestPki.pem("CERTIFICATE REQUEST", TestPki.request()).getBytes(StandardCharsets.UTF_8),
                "example.com/something", "key encipherment");
    }

    private static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.describe()));
        return out;
    }

    private static List<String> create(ObjectNode csr) {
        return messages(CsrValidation.validateCreate(csr));
    }

    private static String requestError(byte[] pemOrText) {
        return X509Checks.requestError(pemOrText);
    }

    private static byte[] pem(byte[] der) {
        return TestPki.pem("CERTIFICATE REQUEST", der).getBytes(StandardCharsets.UTF_8);
    }

    private static String repeat(int n) {
        return "a".repeat(n);
    }

    @Test
    void aRealRequestIsValid() {
        assertEquals(List.of(), create(valid()));
        assertNull(requestError(pem(TestPki.request(TestPki.RSA, "SHA256withRSA", "CN=rsa"))));
        assertNull(requestError(pem(TestPki.request(TestPki.ED25519, "Ed25519", "O=testing-org"))));
        assertNull(requestError(pem(TestPki.request(TestPki.EC, "SHA384withECDSA", "CN=x"))));
    }

    @Test
    void requestsThatAreNotPemRequestsAreKubesInvalidValue() {
        assertEquals(List.of("spec.request: Invalid value: []byte(nil): PEM block type must be CERTIFICATE REQUEST"),
                create(csr(null, "example.com/valid-name", "key encipherment")));
        assertEquals(List.of("spec.request: Invalid value: []byte{0x69, 0x6e, 0x76, 0x61, 0x6c, 0x69, 0x64, 0x20, 0x64, 0x61, 0x74, 0x61}: "
                + "PEM block type must be CERTIFICATE REQUEST"),
                create(csr("invalid data".getBytes(StandardCharsets.UTF_8), "example.com/valid-name", "key encipherment")));
        ObjectNode empty = csr(null, "example.com/valid-name", "key encipherment");
        ((ObjectNode) empty.get("spec")).put("request", "");
        assertEquals(List.of("spec.request: Invalid value: []byte{}: PEM block type must be CERTIFICATE REQUEST"), create(empty));
        // only the first block counts, and it must be a request
        byte[] certFirst = (TestPki.pem("CERTIFICATE", TestPki.certificate("CN=c")) + TestPki.pem("CERTIFICATE REQUEST", TestPki.request()))
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(X509Checks.NOT_A_REQUEST, requestError(certFirst));
    }

    @Test
    void requestsThatDoNotParseGetGosAsn1Errors() {
        byte[] der = TestPki.request();
        assertEquals("asn1: syntax error: sequence truncated", requestError(pem(new byte[0])));
        assertEquals("asn1: syntax error: data truncated", requestError(pem(Arrays.copyOf(der, der.length - 10))));
        byte[] trailing = Arrays.copyOf(der, der.length + 2);
        assertEquals("asn1: syntax error: trailing data", requestError(pem(trailing)));
        assertEquals("asn1: structure error: tags don't match (16 vs {class:0 tag:2 length:1 isCompound:false}) "
                + "{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 "
                + "timeType:0 set:false omitEmpty:false} certificateRequest @2", requestError(pem(new byte[] {0x02, 0x01, 0x00})));
        assertEquals("asn1: syntax error: indefinite length found (not DER)", requestError(pem(new byte[] {0x30, (byte) 0x80, 0, 0})));
        // a well-formed sequence that is no request: BouncyCastle's refusal, in Kapi's words
        assertEquals(X509Checks.MALFORMED_REQUEST, requestError(pem(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00})));
    }

    @Test
    void signaturesThatDoNotHoldAreGosVerificationFailures() {
        byte[] ec = TestPki.request();
        byte[] ec2 = TestPki.request(TestPki.EC, "SHA256withECDSA", "CN=mallory");
        assertEquals("x509: ECDSA verification failure", requestError(pem(TestPki.withSignatureOf(ec, ec2))));
        byte[] rsa = TestPki.request(TestPki.RSA, "SHA256withRSA", "CN=a");
        byte[] rsa2 = TestPki.request(TestPki.RSA, "SHA256withRSA", "CN=b");
        assertEquals("crypto/rsa: verification error", requestError(pem(TestPki.withSignatureOf(rsa, rsa2))));
        byte[] ed = TestPki.request(TestPki.ED25519, "Ed25519", "CN=a");
        byte[] ed2 = TestPki.request(TestPki.ED25519, "Ed25519", "CN=b");
        assertEquals("x509: Ed25519 verification failure", requestError(pem(TestPki.withSignatureOf(ed, ed2))));
        assertEquals("x509: signature algorithm specifies an RSA public key, but have public key of type *ecdsa.PublicKey",
                requestError(pem(TestPki.withSignatureOf(ec, rsa))));
        String message = create(csr(pem(TestPki.withSignatureOf(ec, ec2)), "example.com/x", "any")).get(0);
        assertTrue(message.startsWith("spec.request: Invalid value: []byte{0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47"), message);
        assertTrue(message.endsWith(", 0xa}: x509: ECDSA verification failure"), message);
    }

    @Test
    void signerNamesAsKubesValidationTable() {
        String maxLengthFqdn = repeat(63) + "." + repeat(63) + "." + repeat(63) + "." + repeat(61);
        String maxLengthSignerName = maxLengthFqdn + "/" + repeat(63) + "." + repeat(253);
        assertEquals(List.of("spec.signerName: Required value"), messages(CsrValidation.validateSignerName("spec.signerName", "")));
        assertEquals(List.of("spec.signerName: Invalid value: \"an-invalid-signer-name\": must be a fully qualified domain and path of the form 'example.com/signer-name'"),
                create(withSigner("an-invalid-signer-name")));
        assertEquals(List.of("spec.signerName: Invalid value: \"an-invalid-signer-name.com/something/else\": must be a fully qualified domain and path of the form 'example.com/signer-name'"),
                create(withSigner("an-invalid-signer-name.com/something/else")));
        assertEquals(List.of("spec.signerName: Invalid value: \"example\": should be a domain with at least two segments separated by dots"),
                create(withSigner("example/some-signer-name")));
        assertEquals(List.of("spec.signerName: Invalid value: \"\": validating label \"\": " + SUBDOMAIN_ERROR), create(withSigner("example.com/")));
        assertEquals(List.of("spec.signerName: Invalid value: \"something-\": validating label \"something-\": " + SUBDOMAIN_ERROR),
                create(withSigner("example.com/something-")));
        assertEquals(List.of("spec.signerName: Invalid value: \"-\": validating label \"-\": " + SUBDOMAIN_ERROR), create(withSigner("example.com/-")));
        assertEquals(List.of(), create(withSigner("example.com/some-signer-name")));
        assertEquals(List.of("spec.signerName: Too long: may not be more than 571 bytes"), create(withSigner(maxLengthSignerName + ".toolong")));
        assertEquals(List.of("spec.signerName: Too long: may not be more than 253 bytes"), create(withSigner(maxLengthFqdn + ".extra/valid-path")));
        assertEquals(List.of(), create(withSigner("abc.io/" + repeat(253) + "." + repeat(253))));
        assertEquals(List.of("spec.signerName: Invalid value: \"" + repeat(66) + ".example.io\": validating label \"" + repeat(66)
                + "\": must be no more than 63 characters"), create(withSigner(repeat(66) + ".example.io/valid-path")));
        assertEquals(List.of(), create(withSigner(maxLengthSignerName)));
        assertEquals(List.of("spec.signerName: Invalid value: \"kubernetes.io/legacy-unknown\": the legacy signerName is not allowed via this API version"),
                create(withSigner("kubernetes.io/legacy-unknown")));
    }

    private static ObjectNode withSigner(String signerName) {
        ObjectNode o = valid();
        ((ObjectNode) o.get("spec")).put("signerName", signerName);
        return o;
    }

    @Test
    void durationsAndUsagesAsKubesValidationTable() {
        for (long seconds : new long[] {-1, 0, 1, 60}) {
            ObjectNode o = valid();
            ((ObjectNode) o.get("spec")).put("expirationSeconds", seconds);
            assertEquals(List.of("spec.expirationSeconds: Invalid value: " + seconds + ": may not specify a duration less than 600 seconds (10 minutes)"),
                    create(o));
        }
        ObjectNode tenMinutes = valid();
        ((ObjectNode) tenMinutes.get("spec")).put("expirationSeconds", 600);
        assertEquals(List.of(), create(tenMinutes));
        ObjectNode none = valid();
        ((ObjectNode) none.get("spec")).putArray("usages");
        assertEquals(List.of("spec.usages: Required value"), create(none));
        ObjectNode unknown = valid();
        ((ObjectNode) unknown.get("spec")).putArray("usages").add("unknown").add("unknown");
        String supported = "supported values: \"any\", \"cert sign\", \"client auth\", \"code signing\", \"content commitment\", \"crl sign\", "
                + "\"data encipherment\", \"decipher only\", \"digital signature\", \"email protection\", \"encipher only\", "
                + "\"ipsec end system\", \"ipsec tunnel\", \"ipsec user\", \"key agreement\", \"key encipherment\", \"microsoft sgc\", "
                + "\"netscape sgc\", \"ocsp signing\", \"s/mime\", \"server auth\", \"signing\", \"timestamping\"";
        assertEquals(List.of("spec.usages[0]: Unsupported value: \"unknown\": " + supported,
                "spec.usages[1]: Unsupported value: \"unknown\": " + supported,
                "spec.usages[1]: Duplicate value: \"unknown\""), create(unknown));
    }

    // ---- kube's fixtures of status.certificate (validation_test.go)

    static final String VALID_CERTIFICATE = """

            Leading non-PEM content
            -----BEGIN CERTIFICATE-----
            MIIBqDCCAU2gAwIBAgIUfbqeieihh/oERbfvRm38XvS/xHAwCgYIKoZIzj0EAwIw
            GjEYMBYGA1UEAxMPSW50ZXJtZWRpYXRlLUNBMCAXDTE2MTAxMTA1MDYwMFoYDzIx
            MTYwOTE3MDUwNjAwWjAUMRIwEAYDVQQDEwlNeSBDbGllbnQwWTATBgcqhkjOPQIB
            BggqhkjOPQMBBwNCAARv6N4R/sjMR65iMFGNLN1GC/vd7WhDW6J4X/iAjkRLLnNb
            KbRG/AtOUZ+7upJ3BWIRKYbOabbQGQe2BbKFiap4o3UwczAOBgNVHQ8BAf8EBAMC
            BaAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwDAYDVR0TAQH/BAIwADAdBgNVHQ4EFgQU
            K/pZOWpNcYai6eHFpmJEeFpeQlEwHwYDVR0jBBgwFoAUX6nQlxjfWnP6aM1meO/Q
            a6b3a9kwCgYIKoZIzj0EAwIDSQAwRgIhAIWTKw/sjJITqeuNzJDAKU4xo1zL+xJ5
            MnVCuBwfwDXCAiEAw/1TA+CjPq9JC5ek1ifR0FybTURjeQqYkKpve1dveps=
            -----END CERTIFICATE-----
            Intermediate non-PEM content
            -----BEGIN CERTIFICATE-----
            MIIBqDCCAU6gAwIBAgIUfqZtjoFgczZ+oQZbEC/BDSS2J6wwCgYIKoZIzj0EAwIw
            EjEQMA4GA1UEAxMHUm9vdC1DQTAgFw0xNjEwMTEwNTA2MDBaGA8yMTE2MDkxNzA1
            MDYwMFowGjEYMBYGA1UEAxMPSW50ZXJtZWRpYXRlLUNBMFkwEwYHKoZIzj0CAQYI
            KoZIzj0DAQcDQgAEyWHEMMCctJg8Xa5YWLqaCPbk3MjB+uvXac42JM9pj4k9jedD
            kpUJRkWIPzgJI8Zk/3cSzluUTixP6JBSDKtwwaN4MHYwDgYDVR0PAQH/BAQDAgGm
            MBMGA1UdJQQMMAoGCCsGAQUFBwMCMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYE
            FF+p0JcY31pz+mjNZnjv0Gum92vZMB8GA1UdIwQYMBaAFB7P6+i4/pfNjqZgJv/b
            dgA7Fe4tMAoGCCqGSM49BAMCA0gAMEUCIQCTT1YWQZaAqfQ2oBxzOkJE2BqLFxhz
            3smQlrZ5gCHddwIgcvT7puhYOzAgcvMn9+SZ1JOyZ7edODjshCVCRnuHK2c=
            -----END CERTIFICATE-----
            Trailing non-PEM content
            """;

    private static String firstBlock() {
        int end = VALID_CERTIFICATE.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----\n".length();
        return VALID_CERTIFICATE.substring(0, end) + "Trailing non-PEM content\n";
    }

    static String nonCertificatePem() {
        return firstBlock().replace("CERTIFICATE-----", "CERTIFICATE1-----");
    }

    static String pemHeaders() {
        return firstBlock().replace("-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\nSome-Header: Some-Value\n");
    }

    static String nonBase64Pem() {
        return firstBlock().replace("MnVCuBwfwDXCAiEAw/1TA+CjPq9JC5ek1ifR0FybTURjeQqYkKpve1dveps=",
                "MnVCuBwfwDXCAiEAw/1TA+CjPq9JC5ek1ifR0FybTURjeQqYkKpve1d?????????");
    }

    static String emptyPem() {
        return "\nLeading non-PEM content\n-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\nTrailing non-PEM content\n";
    }

    /** "first character is invalid": a SET tag of the subject made another tag. */
    static String nonAsn1Data() {
        return firstBlock().replace("MTYwOTE3MDUwNjAwWjAUMRIwEAYDVQQDEwlNeSBDbGllbnQwWTATBgcqhkjOPQIB",
                "MTYwOTE3MDUwNjAwWjAUNRIwEAYDVQQDEwlNeSBDbGllbnQwWTATBgcqhkjOPQIB");
    }

    private static ObjectNode withStatus(String conditions, String certificate) throws Exception {
        ObjectNode o = valid();
        ObjectNode status = o.putObject("status");
        if (conditions != null) {
            status.set("conditions", JSON.readTree(conditions));
        }
        if (certificate != null) {
            status.put("certificate", TestPki.json(certificate));
        }
        return o;
    }

    private static final CsrValidation.Options STRICT = CsrValidation.options(null, null);

    @Test
    void conditionsAndCertificatesAsKubesOptionsTable() throws Exception {
        String approved = "[{\"type\":\"Approved\",\"status\":\"True\"}]";
        for (String ok : new String[] {"[]", approved, "[{\"type\":\"Denied\",\"status\":\"True\"}]", "[{\"type\":\"Failed\",\"status\":\"True\"}]"}) {
            assertEquals(List.of(), messages(CsrValidation.validate(withStatus(ok, null), STRICT)), ok);
        }
        assertEquals(List.of(), messages(CsrValidation.validate(withStatus(approved, VALID_CERTIFICATE), STRICT)));
        assertEquals(List.of("status.conditions[0].type: Required value"),
                messages(CsrValidation.validate(withStatus("[{\"status\":\"True\"}]", null), STRICT)));
        assertEquals(List.of("status.conditions[1].type: Invalid value: \"Denied\": Approved and Denied conditions are mutually exclusive"),
                messages(CsrValidation.validate(withStatus("[{\"type\":\"Approved\",\"status\":\"True\"},{\"type\":\"Denied\",\"status\":\"True\"}]", null), STRICT)));
        assertEquals(List.of("status.conditions[1].type: Duplicate value: \"Approved\""),
                messages(CsrValidation.validate(withStatus("[{\"type\":\"Approved\",\"status\":\"True\"},{\"type\":\"Approved\",\"status\":\"True\"}]", null), STRICT)));
        assertEquals(List.of("status.conditions[0].status: Unsupported value: \"False\": supported values: \"True\"",
                        "status.conditions[1].status: Required value",
                        "status.conditions[2].status: Unsupported value: \"maybe\": supported values: \"False\", \"True\", \"Unknown\""),
                messages(CsrValidation.validate(withStatus("[{\"type\":\"Approved\",\"status\":\"False\"},{\"type\":\"Ready\"},"
                        + "{\"type\":\"Other\",\"status\":\"maybe\"}]", null), STRICT)));
        String prefix = "status.certificate: Invalid value: \"<certificate data>\": ";
        assertEquals(List.of(prefix + "must contain at least one CERTIFICATE PEM block"),
                messages(CsrValidation.validate(withStatus(approved, "no PEM content"), STRICT)));
        assertEquals(List.of(prefix + "only CERTIFICATE PEM blocks are allowed, found \"CERTIFICATE1\""),
                messages(CsrValidation.validate(withStatus(approved, nonCertificatePem()), STRICT)));
        assertEquals(List.of(prefix + "no PEM block headers are permitted"),
                messages(CsrValidation.validate(withStatus(approved, pemHeaders()), STRICT)));
        assertEquals(List.of(prefix + "must contain at least one CERTIFICATE PEM block"),
                messages(CsrValidation.validate(withStatus(approved, nonBase64Pem()), STRICT)));
        assertEquals(List.of(prefix + "found CERTIFICATE PEM block containing 0 certificates"),
                messages(CsrValidation.validate(withStatus(approved, emptyPem()), STRICT)));
        // kube's test accepts "asn1: structure error: sequence tag mismatch" (older Go) or this (Go 1.23)
        assertEquals(List.of(prefix + "x509: invalid RDNSequence"),
                messages(CsrValidation.validate(withStatus(approved, nonAsn1Data()), STRICT)));
        assertNull(X509Checks.certificateError(TestPki.pem("CERTIFICATE", TestPki.certificate("CN=issued")).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void storedProblemsAreToleratedAsKubesGetValidationOptions() throws Exception {
        ObjectNode old = withStatus("[{\"type\":\"Approved\",\"status\":\"True\"},{\"type\":\"Denied\",\"status\":\"True\"},{\"status\":\"True\"},"
                + "{\"status\":\"True\"}]", "old - no PEM blocks");
        ((ObjectNode) old.get("spec")).put("signerName", "kubernetes.io/legacy-unknown");
        ((ObjectNode) old.get("spec")).putArray("usages").add("unknown").add("unknown");
        CsrValidation.Options o = CsrValidation.options(withStatus(null, "new - no PEM blocks"), old);
        assertEquals(new CsrValidation.Options(false, false, true, true, true, true, true, true, true), o);
        // neither has a certificate: the same (empty) one, which kube tolerates whatever it is
        assertEquals(new CsrValidation.Options(false, false, false, false, false, false, true, false, false),
                CsrValidation.options(valid(), valid()));
        assertEquals(new CsrValidation.Options(false, false, false, false, false, false, false, false, false),
                CsrValidation.options(withStatus(null, VALID_CERTIFICATE), valid()));
        ObjectNode sameCertificate = withStatus(null, VALID_CERTIFICATE);
        assertTrue(CsrValidation.options(sameCertificate, sameCertificate.deepCopy()).allowArbitraryCertificate());
        // a finalizer-only update of a stored object with duplicate and unknown usages passes
        assertEquals(List.of(), messages(CsrValidation.validateStatusUpdate(old.deepCopy(), old)));
    }

    private static List<String> update(String path, String newConditions, String newCert, String oldConditions, String oldCert) throws Exception {
        ObjectNode n = withStatus(newConditions, newCert);
        ObjectNode o = withStatus(oldConditions, oldCert);
        return messages(switch (path) {
            case "status" -> CsrValidation.validateStatusUpdate(n, o);
            case "approval" -> CsrValidation.validateApprovalUpdate(n, o);
            default -> CsrValidation.validateUpdate(n, o);
        });
    }

    @Test
    void updatesAsKubesUpdateStatusAndApprovalTables() throws Exception {
        String approved = "[{\"type\":\"Approved\",\"status\":\"True\"}]";
        String denied = "[{\"type\":\"Denied\",\"status\":\"True\"}]";
        String failed = "[{\"type\":\"Failed\",\"status\":\"True\"}]";
        for (String path : List.of("resource", "status", "approval")) {
            assertEquals(List.of(), update(path, null, null, null, null), path + " no-op");
            assertEquals(List.of(), update(path, null, "no PEM content", null, "no PEM content"), path + " invalid certificate kept");
            for (String[] t : new String[][] {{approved, "Approved"}, {denied, "Denied"}, {failed, "Failed"}}) {
                assertEquals(List.of("status.conditions: Forbidden: updates may not remove a condition of type \"" + t[1] + "\""),
                        update(path, null, null, t[0], null), path + " remove " + t[1]);
            }
            assertEquals(List.of(), update(path, failed, null, null, null), path + " add Failed");
        }
        for (String path : List.of("resource", "status")) {
            assertEquals(List.of("status.conditions: Forbidden: updates may not add a condition of type \"Approved\""),
                    update(path, approved, null, null, null));
            assertEquals(List.of("status.conditions: Forbidden: updates may not add a condition of type \"Denied\""),
                    update(path, denied, null, null, null));
        }
        assertEquals(List.of(), update("approval", approved, null, null, null));
        assertEquals(List.of(), update("approval", denied, null, null, null));
        assertEquals(List.of("status.certificate: Forbidden: updates may not set certificate content"),
                update("resource", null, VALID_CERTIFICATE, null, null));
        assertEquals(List.of("status.certificate: Forbidden: updates may not set certificate content"),
                update("approval", null, VALID_CERTIFICATE, null, null));
        assertEquals(List.of(), update("status", null, VALID_CERTIFICATE, null, null));
        assertEquals(List.of("status.certificate: Invalid value: \"<certificate data>\": must contain at least one CERTIFICATE PEM block"),
                update("status", null, "no PEM content", null, null));
        assertEquals(List.of("status.certificate: Forbidden: updates may not modify existing certificate content"),
                update("status", null, nonCertificatePem(), null, "no PEM content"));
    }
}
