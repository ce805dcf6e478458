package io.kapi.security;

import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.http.HttpServletRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA for tests that need certificates Kapi itself never issues. */
public final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    public final KeyPair keys;
    public final X509Certificate cert;

    public TestCa(String name) throws Exception {
        keys = ec();
        X500Name n = new X500Name(name);
        cert = build(n, keys, n, keys, Instant.now().minusSeconds(60), Duration.ofDays(1), true, null);
    }

    /** A leaf signed by this CA; {@code eku} null means no extended key usage extension. */
    public X509Certificate issue(String subject, KeyPurposeId eku, Instant notBefore, Duration validity) throws Exception {
        return build(new X500Name(subject), ec(), X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()), keys,
                notBefore, validity, false, eku);
    }

    public X509Certificate issue(String subject, KeyPurposeId eku) throws Exception {
        return issue(subject, eku, Instant.now().minusSeconds(60), Duration.ofDays(1));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, Instant notBefore,
                                         Duration validity, boolean ca, KeyPurposeId eku) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature));
        }
        if (eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(issuerKeys.getPrivate())));
    }

    /** A request that only answers getAttribute, setAttribute and getHeader, which is all authenticators use. */
    public static HttpServletRequest request(Map<String, Object> attributes, Map<String, String> headers) {
        Map<String, Object> attrs = new java.util.HashMap<>(attributes);
        return (HttpServletRequest) Proxy.newProxyInstance(TestCa.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> attrs.get((String) args[0]);
                    case "setAttribute" -> attrs.put((String) args[0], args[1]);
                    case "getHeader" -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    case "getHeaders" -> java.util.Collections.enumeration(headers.entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase((String) args[0])).map(Map.Entry::getValue).toList());
                    case "toString" -> "request" + headers;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
