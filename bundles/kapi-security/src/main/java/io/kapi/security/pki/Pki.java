package io.kapi.security.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PKI Kapi creates once, at first start, in one directory: a CA, a serving certificate for
 * localhost and the given host names, an admin client certificate (CN=kapi-admin, O=system:masters),
 * a PKCS#12 keystore for Jetty and a truststore with the CA. ECDSA P-256, which Go's TLS (kubectl)
 * and Java's both accept. Existing material is reused, never regenerated; every file is written to a
 * temporary name and moved into place, the set is completed by a marker written last, so a crash
 * mid-way restarts the bootstrap instead of leaving a half set. Private keys are mode 600.
 */
public final class Pki {
    public static final String CA_CRT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVING_CRT = "serving.crt";
    public static final String SERVING_KEY = "serving.key";
    public static final String ADMIN_CRT = "admin.crt";
    public static final String ADMIN_KEY = "admin.key";
    public static final String KEYSTORE = "serving.p12";
    public static final String TRUSTSTORE = "ca-truststore.p12";
    public static final String PASSWORD = "keystore.password";
    private static final String COMPLETE = ".complete";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    private Pki(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public String keystorePassword() throws IOException {
        return Files.readString(file(PASSWORD), StandardCharsets.UTF_8).trim();
    }

    public String pem(String name) throws IOException {
        return Files.readString(file(name), StandardCharsets.UTF_8);
    }

    public X509Certificate caCertificate() throws IOException {
        return Certificates.parse(pem(CA_CRT));
    }

    /** Creates the set if it is not complete; returns it either way. */
    public static Pki ensure(Path dir, List<String> hostNames) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Pki pki = new Pki(dir);
        if (Files.exists(dir.resolve(COMPLETE))) {
            return pki;
        }
        try {
            KeyPair caKeys = ecKeys();
            X500Name caName = new X500Name("CN=kapi-ca");
            X509Certificate ca = sign(caName, caKeys.getPublic(), caName, caKeys, Duration.ofDays(3650), true, null, null);
            KeyPair servingKeys = ecKeys();
            List<GeneralName> sans = new ArrayList<>();
            for (String h : hostNames) {
                boolean ip = h.matches("[0-9.]+") || h.contains(":");
                sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
            }
            X509Certificate serving = sign(new X500Name("CN=kapi-apiserver"), servingKeys.getPublic(), caName, caKeys,
                    Duration.ofDays(365 * 5), false, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans.toArray(new GeneralName[0])));
            KeyPair adminKeys = ecKeys();
            X509Certificate admin = sign(new X500Name("CN=kapi-admin,O=system:masters"), adminKeys.getPublic(), caName, caKeys,
                    Duration.ofDays(365 * 5), false, KeyPurposeId.id_kp_clientAuth, null);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));

            write(dir.resolve(CA_CRT), pemOf(ca).getBytes(StandardCharsets.UTF_8), false);
            write(dir.resolve(CA_KEY), pemOf(caKeys.getPrivate()).getBytes(StandardCharsets.UTF_8), true);
            write(dir.resolve(SERVING_CRT), (pemOf(serving) + pemOf(ca)).getBytes(StandardCharsets.UTF_8), false);
            write(dir.resolve(SERVING_KEY), pemOf(servingKeys.getPrivate()).getBytes(StandardCharsets.UTF_8), true);
            write(dir.resolve(ADMIN_CRT), pemOf(admin).getBytes(StandardCharsets.UTF_8), false);
            write(dir.resolve(ADMIN_KEY), pemOf(adminKeys.getPrivate()).getBytes(StandardCharsets.UTF_8), true);
            write(dir.resolve(PASSWORD), password.getBytes(StandardCharsets.UTF_8), true);

            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("kapi-serving", servingKeys.getPrivate(), password.toCharArray(), new X509Certificate[] {serving, ca});
            write(dir.resolve(KEYSTORE), store(ks, password), true);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("kapi-ca", ca);
            write(dir.resolve(TRUSTSTORE), store(ts, password), false);
            write(dir.resolve(COMPLETE), new byte[0], false);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        return pki;
    }

    private static byte[] store(KeyStore ks, String password) throws IOException, GeneralSecurityException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ks.store(out, password.toCharArray());
        return out.toByteArray();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, java.security.PublicKey key, X500Name issuer, KeyPair issuerKeys,
                                        Duration validity, boolean ca, KeyPurposeId purpose, GeneralNames sans)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, key);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        } else {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    static String pemOf(Object o) throws IOException {
        if (o instanceof PrivateKey key) {
            // PKCS#8 ("PRIVATE KEY"), which Go's crypto/tls (kubectl) parses for EC keys
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    /** Reads a PEM private key written by this class. */
    public static PrivateKey readKey(String pem) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return c.getKeyPair(kp).getPrivate();
            }
            return c.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
        }
    }

    /** Writes atomically; {@code secret} files get mode 600. */
    static void write(Path target, byte[] content, boolean secret) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(content);
        }
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system has no POSIX modes
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
