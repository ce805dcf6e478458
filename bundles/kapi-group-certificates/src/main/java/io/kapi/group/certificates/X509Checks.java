package io.kapi.group.certificates;

import io.kapi.api.rest.FieldCause;
import java.security.Provider;
import java.util.Arrays;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * kube's checks of the PEM data a CertificateSigningRequest carries, on BouncyCastle's parsers, with the
 * error texts of the Go functions kube calls:
 * <ul>
 *   <li>{@code spec.request}: {@code certificates.ParseCSR} (the first PEM block, of type
 *   {@code CERTIFICATE REQUEST}; {@code x509.ParseCertificateRequest}) and {@code CheckSignature};</li>
 *   <li>{@code status.certificate}: {@code validateCertificate} (only {@code CERTIFICATE} blocks without
 *   headers, each holding certificates, at least one block).</li>
 * </ul>
 * A request's outermost DER element is read as Go's {@code encoding/asn1} reads it, and a certificate's
 * parts up to its subject as Go's {@code x509} parser reads them ({@link GoCertificate}), so their errors
 * are Go's ({@code asn1: syntax error: data truncated}, {@code x509: invalid RDNSequence}); a structure
 * broken deeper inside is reported as {@value #MALFORMED_REQUEST} or {@value #MALFORMED_CERTIFICATE},
 * where Go names the exact field. Thread-safe.
 */
final class X509Checks {
    static final String NOT_A_REQUEST = "PEM block type must be CERTIFICATE REQUEST";
    /** Kapi's text for a request whose inner structure BouncyCastle refuses (Go's names the field). */
    static final String MALFORMED_REQUEST = "asn1: structure error: malformed certificate request";
    /** Go's {@code parseCertificate} text for an element that is not a certificate, for a fault past its subject. */
    static final String MALFORMED_CERTIFICATE = "x509: malformed certificate";
    static final String UNSUPPORTED = "x509: cannot verify signature: algorithm unimplemented";

    /** Go's {@code %+v} of the parameters {@code asn1.Unmarshal} parses a certificateRequest with: none. */
    private static final String NO_PARAMS = "{optional:false explicit:false application:false private:false defaultValue:<nil> "
            + "tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}";

    /** Go's public key algorithms by OID, named as {@code PublicKeyAlgorithm.String} names them. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.10045.2.1", "ECDSA",
            "1.3.101.112", "Ed25519");

    /** Go's Go type of a parsed public key ({@code %T}). */
    private static final Map<String, String> KEY_TYPES = Map.of(
            "RSA", "*rsa.PublicKey", "ECDSA", "*ecdsa.PublicKey", "Ed25519", "ed25519.PublicKey");

    /** The key algorithm of each signature algorithm Go verifies ({@code signatureAlgorithmDetails}). */
    private static final Map<String, String> SIGNATURE_KEYS = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.5", "RSA"), Map.entry("1.2.840.113549.1.1.11", "RSA"),
            Map.entry("1.2.840.113549.1.1.12", "RSA"), Map.entry("1.2.840.113549.1.1.13", "RSA"),
            Map.entry("1.2.840.113549.1.1.10", "RSA"),
            Map.entry("1.2.840.10045.4.1", "ECDSA"), Map.entry("1.2.840.10045.4.3.2", "ECDSA"),
            Map.entry("1.2.840.10045.4.3.3", "ECDSA"), Map.entry("1.2.840.10045.4.3.4", "ECDSA"),
            Map.entry("1.3.101.112", "Ed25519"));
    private static final String MD5_WITH_RSA = "1.2.840.113549.1.1.4";

    /** Go's verification failures by key algorithm. */
    private static final Map<String, String> VERIFICATION_FAILURES = Map.of(
            "RSA", "crypto/rsa: verification error",
            "ECDSA", "x509: ECDSA verification failure",
            "Ed25519", "x509: Ed25519 verification failure");

    /** One provider instance for every check, never registered with the JVM. */
    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    private X509Checks() {
    }

    /** kube's {@code validateCSR}: null for a request that parses and whose signature holds, else kube's text. */
    static String requestError(byte[] request) {
        GoPem.Block block = GoPem.decode(request == null ? new byte[0] : request);
        if (block == null || !block.type().equals("CERTIFICATE REQUEST")) {
            return NOT_A_REQUEST;
        }
        byte[] der = block.bytes();
        PKCS10CertificationRequest csr;
        try {
            if (der.length == 0) {
                throw GoDer.Asn1Exception.syntax("sequence truncated");
            }
            GoDer.Header h = GoDer.header(der);
            if (h.cls() != 0 || h.tag() != 16 || !h.compound()) {
                throw GoDer.Asn1Exception.structure("tags don't match (16 vs " + h.goString() + ") " + NO_PARAMS
                        + " certificateRequest @" + h.contentOffset());
            }
            if (h.end() > der.length) {
                throw GoDer.Asn1Exception.syntax("data truncated");
            }
            try {
                csr = new PKCS10CertificationRequest(Arrays.copyOf(der, h.end()));
            } catch (Exception e) {
                return MALFORMED_REQUEST;
            }
            if (h.end() < der.length) {
                throw GoDer.Asn1Exception.syntax("trailing data");
            }
        } catch (GoDer.Asn1Exception e) {
            return e.getMessage();
        }
        return signatureError(csr);
    }

    /** Go's {@code CertificateRequest.CheckSignature}. */
    private static String signatureError(PKCS10CertificationRequest csr) {
        String signature = csr.getSignatureAlgorithm().getAlgorithm().getId();
        if (signature.equals(MD5_WITH_RSA)) {
            return "x509: cannot verify signature: insecure algorithm MD5-RSA";
        }
        String expected = SIGNATURE_KEYS.get(signature);
        String key = KEY_ALGORITHMS.get(csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId());
        if (expected == null || key == null) {
            return UNSUPPORTED;
        }
        if (!expected.equals(key)) {
            return "x509: signature algorithm specifies an " + expected + " public key, but have public key of type "
                    + KEY_TYPES.get(key);
        }
        ContentVerifierProvider verifier;
        try {
            verifier = new JcaContentVerifierProviderBuilder().setProvider(Bc.PROVIDER).build(csr.getSubjectPublicKeyInfo());
        } catch (Exception e) {
            // Go refuses a key it cannot parse before it checks anything
            return MALFORMED_REQUEST;
        }
        try {
            return csr.isSignatureValid(verifier) ? null : VERIFICATION_FAILURES.get(key);
        } catch (Exception e) {
            return VERIFICATION_FAILURES.get(key);
        }
    }

    /** kube's {@code validateCertificate} of {@code status.certificate}: null when it may be stored. */
    static String certificateError(byte[] pemData) {
        if (pemData == null || pemData.length == 0) {
            return null;
        }
        int blocks = 0;
        while (true) {
            GoPem.Block block = GoPem.decode(pemData);
            if (block == null) {
                break;
            }
            if (!block.type().equals("CERTIFICATE")) {
                return "only CERTIFICATE PEM blocks are allowed, found " + FieldCause.goQuote(block.type());
            }
            if (!block.headers().isEmpty()) {
                return "no PEM block headers are permitted";
            }
            blocks++;
            int certs = 0;
            byte[] der = block.bytes();
            for (int at = 0; at < der.length; certs++) {
                // x509.ParseCertificates: one DER certificate after the other
                byte[] rest = Arrays.copyOfRange(der, at, der.length);
                int length;
                try {
                    length = GoCertificate.check(rest);
                } catch (GoCertificate.MalformedException e) {
                    return e.getMessage();
                }
                try {
                    Certificate.getInstance(ASN1Primitive.fromByteArray(Arrays.copyOf(rest, length)));
                } catch (Exception e) {
                    return MALFORMED_CERTIFICATE;
                }
                at += length;
            }
            if (certs == 0) {
                return "found CERTIFICATE PEM block containing 0 certificates";
            }
            pemData = block.rest();
        }
        if (blocks == 0) {
            return "must contain at least one CERTIFICATE PEM block";
        }
        return null;
    }
}
