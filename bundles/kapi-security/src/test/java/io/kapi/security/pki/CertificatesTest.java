package io.kapi.security.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Private keys are written in the PEM forms kube's keyutil writes, which every client reads. */
class CertificatesTest {
    @TempDir
    Path dir;

    private static String pkcs8(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** openssl's conversion of a key file, the reference for Go's x509.MarshalECPrivateKey / MarshalPKCS1PrivateKey. */
    private String openssl(String kind, String pem, String... options) throws Exception {
        Path in = dir.resolve("in.pem");
        Files.writeString(in, pem);
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("openssl", kind, "-in", in.toString()));
        cmd.addAll(java.util.List.of(options));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor(), "openssl " + kind);
        return out;
    }

    @Test
    void ecKeysAreSec1WithTheirCurveAndPublicKeyAsOpensslWritesThem() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        String pem = Certificates.toPem(pair.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN EC PRIVATE KEY-----\n"), pem);
        // openssl ec writes SEC1 with the named curve and the public point, byte for byte as Go does
        assertEquals(openssl("ec", pkcs8(pair)), pem);
        assertTrue(Certificates.matches(Certificates.readPrivateKey(pem), pair.getPublic()));
    }

    @Test
    void rsaKeysArePkcs1() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        String pem = Certificates.toPem(pair.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), pem);
        // openssl 3 writes PKCS#1 only when asked for its "traditional" form
        assertEquals(openssl("rsa", pkcs8(pair), "-traditional"), pem);
        assertTrue(Certificates.matches(Certificates.readPrivateKey(pem), pair.getPublic()));
    }
}
