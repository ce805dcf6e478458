package io.kapi.security.pki;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The PKI Kapi creates at first start in one directory: a CA, a serving certificate for the given
 * host names, an admin client certificate (CN=kapi-admin, O=system:masters), a PKCS#12 keystore
 * for Jetty, a PKCS#12 truststore with the CA and the password of both.
 *
 * <p>Keys are ECDSA P-256: Go's crypto/tls (kubectl, client-go), Java's JSSE (Jetty 9.4, fabric8)
 * and Python's ssl accept it, and it is cheap to generate on the SCR thread.
 *
 * <p>{@link #ensure} is idempotent and self-repairing rather than "create once": it validates what
 * is on disk (parses, key matches certificate, signed by the CA, inside its validity, the serving
 * names covered, the stores holding exactly these entries) and rewrites only what fails, in
 * dependency order. Every file is replaced atomically ({@link SecureFiles}), so a crash at any point
 * leaves files that are each whole; the next start then finds the inconsistent ones (a certificate
 * not matching its key, a keystore not holding the current serving certificate) and completes the
 * set. Valid material is never regenerated: a restart reuses the CA, and with it every kubeconfig
 * handed out. Leaf certificates are reissued from the same CA when fewer than {@link #RENEW_BEFORE}
 * remain, or, for the serving certificate, when a requested host name is not covered.
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
    /** Alias of the serving key entry in {@link #KEYSTORE}. */
    public static final String KEY_ALIAS = "kapi-serving";
    /** Alias of the CA entry in {@link #TRUSTSTORE}. */
    public static final String CA_ALIAS = "kapi-ca";
    public static final String ADMIN_USER = "kapi-admin";
    public static final String ADMIN_GROUP = "system:masters";
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final String LOCK = ".lock";
    /** Issued an hour in the past, as kube's certutil does, so a client with a slightly slow clock accepts it. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Set<String> written;

    private Pki(Path dir, Set<String> written) {
        this.dir = dir;
        this.written = Collections.unmodifiableSet(written);
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The files the last {@link #ensure} wrote; empty when everything on disk was reused. */
    public Set<String> written() {
        return written;
    }

    public String keystorePassword() throws IOException {
        return Files.readString(file(PASSWORD), StandardCharsets.UTF_8).trim();
    }

    public String pem(String name) throws IOException {
        return Files.readString(file(name), StandardCharsets.US_ASCII);
    }

    /**
     * SHA-256 (hex) over the keystore and the truststore: changes exactly when Jetty has to reload
     * them, which {@code OSGiSecurityBootstrap} uses to restart Jetty only then.
     */
    public String storesFingerprint() throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(file(KEYSTORE)));
            sha.update(Files.readAllBytes(file(TRUSTSTORE)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    public X509Certificate caCertificate() throws IOException {
        return Certificates.parse(pem(CA_CRT));
    }

    public X509Certificate servingCertificate() throws IOException {
        return Certificates.parse(pem(SERVING_CRT));
    }

    public X509Certificate adminCertificate() throws IOException {
        return Certificates.parse(pem(ADMIN_CRT));
    }

    /** The set in {@code dir} as it is, changing nothing (to issue client certificates from its CA). */
    public static Pki open(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(CA_CRT)) || !Files.isRegularFile(dir.resolve(CA_KEY))) {
            throw new IOException("no Kapi CA in " + dir);
        }
        return new Pki(dir, Set.of());
    }

    /**
     * Makes {@code dir} hold a complete, valid set for {@code hostNames} (DNS names and IP literals;
     * "localhost", "127.0.0.1" and "::1" are always added) and returns it.
     */
    public static Pki ensure(Path dir, Collection<String> hostNames) throws IOException, GeneralSecurityException {
        return ensure(dir, hostNames, Clock.systemUTC());
    }

    static synchronized Pki ensure(Path dir, Collection<String> hostNames, Clock clock) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        SecureFiles.restrictToOwner(dir);
        // two processes on one directory (a second Karaf on the same etc/) must not interleave writes;
        // within this JVM the method is synchronized, as a file lock is held per process
        try (FileChannel lockFile = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            return new Pki(dir, reconcile(dir, names(hostNames), clock.instant()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private record Issued(X509Certificate cert, PrivateKey key) {
    }

    /** A client certificate and its private key, PEM (the key as kube's keyutil writes it). */
    public record ClientCredentials(String certificatePem, String keyPem) {
    }

    /**
     * A new client certificate for {@code user} in {@code groups} (its CN and O values, as kube's x509
     * authenticator reads them), signed by this CA, valid as long as the admin's.
     */
    public ClientCredentials issueClient(String user, List<String> groups) throws IOException, GeneralSecurityException {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a user name is required");
        }
        Issued ca = load(dir, CA_CRT, CA_KEY);
        if (ca == null) {
            throw new IOException("no CA in " + dir);
        }
        org.bouncycastle.asn1.x500.X500NameBuilder subject = new org.bouncycastle.asn1.x500.X500NameBuilder(org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE);
        subject.addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, user);
        for (String g : groups) {
            subject.addRDN(org.bouncycastle.asn1.x500.style.BCStyle.O, g);
        }
        KeyPair keys = ecKeys();
        try {
            X509Certificate cert = sign(subject.build(), keys.getPublic(), ca.cert(), ca.key(), Instant.now(), LEAF_VALIDITY,
                    KeyPurposeId.id_kp_clientAuth, null);
            return new ClientCredentials(Certificates.toPem(cert), Certificates.toPem(keys.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static Set<String> reconcile(Path dir, Set<String> names, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Set<String> written = new TreeSet<>();
        Issued ca = load(dir, CA_CRT, CA_KEY);
        if (ca == null || !validCa(ca.cert(), now)) {
            KeyPair keys = ecKeys();
            X500Name name = new X500Name("CN=kapi-ca@" + now.getEpochSecond());
            ca = new Issued(sign(name, keys.getPublic(), null, keys.getPrivate(), now, CA_VALIDITY, null, null), keys.getPrivate());
            store(dir, CA_CRT, CA_KEY, ca, written);
        }

        Issued serving = load(dir, SERVING_CRT, SERVING_KEY);
        if (serving == null || !validLeaf(serving.cert(), ca.cert(), now, SERVER_AUTH) || !covers(serving.cert(), names)) {
            KeyPair keys = ecKeys();
            serving = new Issued(sign(new X500Name("CN=kapi-apiserver"), keys.getPublic(), ca.cert(), ca.key(), now,
                    LEAF_VALIDITY, KeyPurposeId.id_kp_serverAuth, sans(names)), keys.getPrivate());
            store(dir, SERVING_CRT, SERVING_KEY, serving, written);
        }

        X500Principal adminSubject = new X500Principal("CN=" + ADMIN_USER + ",O=" + ADMIN_GROUP);
        Issued admin = load(dir, ADMIN_CRT, ADMIN_KEY);
        if (admin == null || !validLeaf(admin.cert(), ca.cert(), now, CLIENT_AUTH)
                || !admin.cert().getSubjectX500Principal().equals(adminSubject)) {
            KeyPair keys = ecKeys();
            admin = new Issued(sign(X500Name.getInstance(adminSubject.getEncoded()), keys.getPublic(), ca.cert(), ca.key(),
                    now, LEAF_VALIDITY, KeyPurposeId.id_kp_clientAuth, null), keys.getPrivate());
            store(dir, ADMIN_CRT, ADMIN_KEY, admin, written);
        }

        String password = Files.isRegularFile(dir.resolve(PASSWORD))
                ? Files.readString(dir.resolve(PASSWORD), StandardCharsets.UTF_8).trim() : "";
        if (password.isEmpty()) {
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
            SecureFiles.write(dir.resolve(PASSWORD), password.getBytes(StandardCharsets.UTF_8), true);
            written.add(PASSWORD);
        }
        char[] pw = password.toCharArray();

        if (!keystoreHolds(dir.resolve(KEYSTORE), pw, serving, ca.cert())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            // leaf and CA: the whole path; a client that trusts the CA ignores the extra certificate
            ks.setKeyEntry(KEY_ALIAS, serving.key(), pw, new X509Certificate[] {serving.cert(), ca.cert()});
            SecureFiles.write(dir.resolve(KEYSTORE), bytes(ks, pw), true);
            written.add(KEYSTORE);
        }
        if (!truststoreHolds(dir.resolve(TRUSTSTORE), pw, ca.cert())) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry(CA_ALIAS, ca.cert());
            SecureFiles.write(dir.resolve(TRUSTSTORE), bytes(ts, pw), false);
            written.add(TRUSTSTORE);
        }
        // modes may have been loosened by hand (or by a copy); keys and the password stay owner-only
        for (String secret : List.of(CA_KEY, SERVING_KEY, ADMIN_KEY, PASSWORD, KEYSTORE)) {
            SecureFiles.restrictToOwner(dir.resolve(secret));
        }
        return written;
    }

    private static void store(Path dir, String crt, String key, Issued issued, Set<String> written) throws IOException {
        // key first: a crash between the two leaves a certificate that does not match its key, which
        // the next start detects and reissues
        SecureFiles.write(dir.resolve(key), Certificates.toPem(issued.key()).getBytes(StandardCharsets.US_ASCII), true);
        SecureFiles.write(dir.resolve(crt), Certificates.toPem(issued.cert()).getBytes(StandardCharsets.US_ASCII), false);
        written.add(key);
        written.add(crt);
    }

    private static Issued load(Path dir, String crt, String key) {
        try {
            X509Certificate cert = Certificates.parse(Files.readString(dir.resolve(crt), StandardCharsets.US_ASCII));
            PrivateKey pk = Certificates.readPrivateKey(Files.readString(dir.resolve(key), StandardCharsets.US_ASCII));
            return Certificates.matches(pk, cert.getPublicKey()) ? new Issued(cert, pk) : null;
        } catch (IOException | RuntimeException missingOrBroken) {
            return null;
        }
    }

    private static boolean validCa(X509Certificate ca, Instant now) {
        try {
            ca.verify(ca.getPublicKey());
        } catch (GeneralSecurityException notSelfSigned) {
            return false;
        }
        return ca.getBasicConstraints() >= 0 && within(ca, now, Duration.ZERO);
    }

    private static boolean validLeaf(X509Certificate cert, X509Certificate ca, Instant now, String purpose) {
        try {
            if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                return false;
            }
            cert.verify(ca.getPublicKey());
            List<String> eku = cert.getExtendedKeyUsage();
            return eku != null && eku.contains(purpose) && within(cert, now, RENEW_BEFORE);
        } catch (GeneralSecurityException notOurs) {
            return false;
        }
    }

    private static boolean within(X509Certificate cert, Instant now, Duration margin) {
        return !now.isBefore(cert.getNotBefore().toInstant()) && now.plus(margin).isBefore(cert.getNotAfter().toInstant());
    }

    private static boolean covers(X509Certificate cert, Set<String> names) {
        Set<String> have = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    have.add(normalize(String.valueOf(san.get(1))));
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return have.containsAll(names);
    }

    private static boolean keystoreHolds(Path file, char[] pw, Issued serving, X509Certificate ca) {
        try {
            KeyStore ks = read(file, pw);
            Key key = ks.getKey(KEY_ALIAS, pw);
            java.security.cert.Certificate[] chain = ks.getCertificateChain(KEY_ALIAS);
            // the key is compared by what it does, not by its encoding: providers encode one EC key differently
            return ks.size() == 1 && key instanceof PrivateKey pk && Certificates.matches(pk, serving.cert().getPublicKey())
                    && chain != null && chain.length == 2 && chain[0].equals(serving.cert()) && chain[1].equals(ca);
        } catch (IOException | GeneralSecurityException | RuntimeException missingOrBroken) {
            return false;
        }
    }

    private static boolean truststoreHolds(Path file, char[] pw, X509Certificate ca) {
        try {
            KeyStore ts = read(file, pw);
            return ts.size() == 1 && ca.equals(ts.getCertificate(CA_ALIAS));
        } catch (IOException | GeneralSecurityException | RuntimeException missingOrBroken) {
            return false;
        }
    }

    private static KeyStore read(Path file, char[] pw) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), pw);
        return ks;
    }

    private static byte[] bytes(KeyStore ks, char[] pw) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, pw);
        return out.toByteArray();
    }

    /** The requested names, normalized, with the loopback names every local client uses. */
    static Set<String> names(Collection<String> hostNames) {
        Set<String> out = new TreeSet<>(List.of("localhost", normalize("127.0.0.1"), normalize("::1")));
        for (String h : hostNames) {
            if (h != null && !h.isBlank()) {
                out.add(normalize(h.trim()));
            }
        }
        return out;
    }

    static boolean isIp(String name) {
        return IPV4.matcher(name).matches() || name.indexOf(':') >= 0;
    }

    /** IP literals in Java's canonical form (what {@code getSubjectAlternativeNames} answers), DNS names in lower case. */
    private static String normalize(String name) {
        String n = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (isIp(n)) {
            try {
                // a literal: getByName does not resolve it
                return InetAddress.getByName(n).getHostAddress();
            } catch (IOException notAnAddress) {
                return n;
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }

    private static GeneralNames sans(Set<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String n : names) {
            out.add(new GeneralName(isIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        return new GeneralNames(out.toArray(new GeneralName[0]));
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Issues a certificate; {@code purpose == null} makes a CA, {@code issuer == null} a self-signed one. */
    static X509Certificate sign(X500Name subject, PublicKey key, X509Certificate issuer, PrivateKey issuerKey, Instant now,
                                Duration validity, KeyPurposeId purpose, GeneralNames sans)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        boolean ca = purpose == null;
        // 127 random bits: positive and at most 16 octets, as RFC 5280 and Go's parser require
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        Instant notAfter = now.plus(validity);
        if (issuer != null && issuer.getNotAfter().toInstant().isBefore(notAfter)) {
            // a certificate outliving its CA would only look valid; it ends with the CA and is reissued with the next one
            notAfter = issuer.getNotAfter().toInstant();
        }
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial, Date.from(now.minus(BACKDATE)),
                Date.from(notAfter), subject, key);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        }
        if (issuer != null) {
            // the issuer's key identifier lets verifiers pick the right CA when several share a name
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer.getPublicKey()));
        }
        if (!ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
}
