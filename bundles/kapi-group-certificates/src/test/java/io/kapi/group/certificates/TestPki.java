package io.kapi.group.certificates;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Real keys, PKCS#10 requests and certificates for the tests, made with BouncyCastle on the JDK's providers. */
final class TestPki {
    static final KeyPair EC = generate("EC");
    static final KeyPair RSA = generate("RSA");
    static final KeyPair ED25519 = generate("Ed25519");

    private TestPki() {
    }

    private static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else if (algorithm.equals("RSA")) {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DER request for {@code subject}, signed with {@code signature} by {@code keys}. */
    static byte[] request(KeyPair keys, String signature, String subject) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                    .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** kube's usual request: an ECDSA P-256 key, signed with SHA-256. */
    static byte[] request() {
        return request(EC, "SHA256withECDSA", "CN=alice,O=dev");
    }

    /** {@code info}'s request info and algorithm with {@code other}'s signature: a signature that does not hold. */
    static byte[] withSignatureOf(byte[] info, byte[] other) {
        try {
            CertificationRequest a = new PKCS10CertificationRequest(info).toASN1Structure();
            CertificationRequest b = new PKCS10CertificationRequest(other).toASN1Structure();
            return new CertificationRequest(a.getCertificationRequestInfo(), b.getSignatureAlgorithm(),
                    new DERBitString(b.getSignature().getOctets())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed ECDSA certificate, DER. */
    static byte[] certificate(String subject) {
        try {
            X500Name name = new X500Name(subject);
            long now = System.currentTimeMillis();
            return new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now), new Date(now - 60_000),
                    new Date(now + 3_600_000), name, EC.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(EC.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Go's {@code pem.EncodeToMemory} of a block without headers: 64-character lines. */
    static String pem(String type, byte[] der) {
        String body = Base64.getEncoder().encodeToString(der);
        StringBuilder b = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < body.length(); i += 64) {
            b.append(body, i, Math.min(body.length(), i + 64)).append('\n');
        }
        return b.append("-----END ").append(type).append("-----\n").toString();
    }

    /** The JSON form of a []byte field: base64 of the bytes. */
    static String json(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String json(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
