package io.kapi.security.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiTest {
    static final List<String> NAMES = List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc", "Build-Host");
    static final List<String> ALL = List.of(Pki.CA_CRT, Pki.CA_KEY, Pki.SERVING_CRT, Pki.SERVING_KEY, Pki.ADMIN_CRT, Pki.ADMIN_KEY,
            Pki.KEYSTORE, Pki.TRUSTSTORE, Pki.PASSWORD);

    @TempDir
    Path tmp;

    Path dir() {
        return tmp.resolve("pki");
    }

    @Test
    void firstStartCreatesTheWholeSet() throws Exception {
        Pki pki = Pki.ensure(dir(), NAMES);
        assertEquals(new HashSet<>(ALL), pki.written());
        for (String secret : List.of(Pki.CA_KEY, Pki.SERVING_KEY, Pki.ADMIN_KEY, Pki.PASSWORD, Pki.KEYSTORE)) {
            assertEquals("rw-------", mode(pki.file(secret)), secret);
        }
        for (String pub : List.of(Pki.CA_CRT, Pki.SERVING_CRT, Pki.ADMIN_CRT, Pki.TRUSTSTORE)) {
            assertEquals("rw-r--r--", mode(pki.file(pub)), pub);
        }
        assertEquals("rwx------", mode(dir()));
        try (Stream<Path> files = Files.list(dir())) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }

        X509Certificate ca = pki.caCertificate();
        assertTrue(ca.getBasicConstraints() >= 0);
        ca.verify(ca.getPublicKey());
        assertEquals("EC", ca.getPublicKey().getAlgorithm());

        X509Certificate serving = pki.servingCertificate();
        serving.verify(ca.getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), serving.getExtendedKeyUsage());
        Set<String> sans = serving.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).collect(Collectors.toSet());
        assertEquals(Set.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "build-host"), sans);
        assertTrue(serving.getSubjectAlternativeNames().stream()
                .anyMatch(l -> (Integer) l.get(0) == 7 && l.get(1).equals("0:0:0:0:0:0:0:1")), "::1 is an IP SAN");

        X509Certificate admin = pki.adminCertificate();
        admin.verify(ca.getPublicKey());
        assertEquals("CN=kapi-admin,O=system:masters", admin.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), admin.getExtendedKeyUsage());
        assertTrue(Certificates.matches(Certificates.readPrivateKey(pki.pem(Pki.ADMIN_KEY)), admin.getPublicKey()));
        // SEC1, as kube's keyutil writes an EC key (fabric8 reads no PKCS#8 EC key)
        assertTrue(pki.pem(Pki.ADMIN_KEY).startsWith("-----BEGIN EC PRIVATE KEY-----\n"));

        char[] pw = pki.keystorePassword().toCharArray();
        assertTrue(pw.length >= 32);
        KeyStore ks = load(pki.file(Pki.KEYSTORE), pw);
        assertEquals(serving, ks.getCertificate(Pki.KEY_ALIAS));
        assertEquals(2, ks.getCertificateChain(Pki.KEY_ALIAS).length);
        assertTrue(Certificates.matches((PrivateKey) ks.getKey(Pki.KEY_ALIAS, pw), serving.getPublicKey()));
        KeyStore ts = load(pki.file(Pki.TRUSTSTORE), pw);
        assertEquals(ca, ts.getCertificate(Pki.CA_ALIAS));
    }

    @Test
    void aRestartReusesEverything() throws Exception {
        Pki first = Pki.ensure(dir(), NAMES);
        Map<String, byte[]> before = contents(first);
        Map<String, FileTime> times = new HashMap<>();
        for (String f : ALL) {
            times.put(f, Files.getLastModifiedTime(first.file(f)));
        }
        Pki again = Pki.ensure(dir(), NAMES);
        assertEquals(Set.of(), again.written());
        for (String f : ALL) {
            assertArrayEquals(before.get(f), Files.readAllBytes(again.file(f)), f);
            assertEquals(times.get(f), Files.getLastModifiedTime(again.file(f)), f);
        }
    }

    @Test
    void aNewHostNameReissuesOnlyTheServingCertificate() throws Exception {
        Pki first = Pki.ensure(dir(), NAMES);
        String ca = first.pem(Pki.CA_CRT);
        String admin = first.pem(Pki.ADMIN_CRT);
        String password = first.keystorePassword();
        Pki again = Pki.ensure(dir(), List.of("kubernetes", "10.1.2.3"));
        assertEquals(Set.of(Pki.SERVING_CRT, Pki.SERVING_KEY, Pki.KEYSTORE), again.written());
        assertEquals(ca, again.pem(Pki.CA_CRT));
        assertEquals(admin, again.pem(Pki.ADMIN_CRT));
        assertEquals(password, again.keystorePassword());
        assertTrue(again.servingCertificate().getSubjectAlternativeNames().stream().anyMatch(l -> l.get(1).equals("10.1.2.3")));
        // a subset of the names already covered changes nothing
        assertEquals(Set.of(), Pki.ensure(dir(), List.of("10.1.2.3")).written());
    }

    @Test
    void aCrashBetweenKeyAndCertificateIsRepairedFromTheSameCa() throws Exception {
        Pki first = Pki.ensure(dir(), NAMES);
        String ca = first.pem(Pki.CA_CRT);
        // the state a crash after writing a new serving key (and before its certificate) leaves
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        SecureFiles.write(first.file(Pki.SERVING_KEY), Certificates.toPem(g.generateKeyPair().getPrivate()).getBytes(), true);
        Pki again = Pki.ensure(dir(), NAMES);
        assertEquals(Set.of(Pki.SERVING_CRT, Pki.SERVING_KEY, Pki.KEYSTORE), again.written());
        assertEquals(ca, again.pem(Pki.CA_CRT));
        assertTrue(Certificates.matches(Certificates.readPrivateKey(again.pem(Pki.SERVING_KEY)), again.servingCertificate().getPublicKey()));
    }

    @Test
    void missingOrTornFilesAreCompleted() throws Exception {
        Pki first = Pki.ensure(dir(), NAMES);
        String ca = first.pem(Pki.CA_CRT);
        Files.delete(first.file(Pki.ADMIN_CRT));
        Files.write(first.file(Pki.TRUSTSTORE), new byte[] {1, 2, 3});
        byte[] ks = Files.readAllBytes(first.file(Pki.KEYSTORE));
        Files.write(first.file(Pki.KEYSTORE), java.util.Arrays.copyOf(ks, ks.length / 2));
        Pki again = Pki.ensure(dir(), NAMES);
        assertEquals(Set.of(Pki.ADMIN_CRT, Pki.ADMIN_KEY, Pki.KEYSTORE, Pki.TRUSTSTORE), again.written());
        assertEquals(ca, again.pem(Pki.CA_CRT));
        assertEquals(Set.of(), Pki.ensure(dir(), NAMES).written());
    }

    @Test
    void aBrokenCaKeyRegeneratesEverythingSignedByIt() throws Exception {
        Pki first = Pki.ensure(dir(), NAMES);
        String password = first.keystorePassword();
        Files.writeString(first.file(Pki.CA_KEY), "garbage");
        Pki again = Pki.ensure(dir(), NAMES);
        assertEquals(Set.of(Pki.CA_CRT, Pki.CA_KEY, Pki.SERVING_CRT, Pki.SERVING_KEY, Pki.ADMIN_CRT, Pki.ADMIN_KEY, Pki.KEYSTORE,
                Pki.TRUSTSTORE), again.written());
        assertEquals(password, again.keystorePassword(), "the password outlives the keys it protects");
        again.servingCertificate().verify(again.caCertificate().getPublicKey());
        again.adminCertificate().verify(again.caCertificate().getPublicKey());
    }

    @Test
    void leavesAreRenewedBeforeTheyExpireAndTheCaWhenItHas() throws Exception {
        Instant now = Instant.now();
        Pki first = Pki.ensure(dir(), NAMES, Clock.fixed(now, ZoneOffset.UTC));
        String ca = first.pem(Pki.CA_CRT);
        Instant later = now.plus(Pki.LEAF_VALIDITY).minus(Duration.ofDays(10));
        Pki renewed = Pki.ensure(dir(), NAMES, Clock.fixed(later, ZoneOffset.UTC));
        assertEquals(Set.of(Pki.SERVING_CRT, Pki.SERVING_KEY, Pki.ADMIN_CRT, Pki.ADMIN_KEY, Pki.KEYSTORE), renewed.written());
        assertEquals(ca, renewed.pem(Pki.CA_CRT));
        assertTrue(renewed.servingCertificate().getNotAfter().toInstant().isAfter(later.plus(Duration.ofDays(300))));

        Instant afterCa = now.plus(Pki.CA_VALIDITY).plus(Duration.ofDays(1));
        Pki fresh = Pki.ensure(dir(), NAMES, Clock.fixed(afterCa, ZoneOffset.UTC));
        assertNotEquals(ca, fresh.pem(Pki.CA_CRT));
        assertTrue(fresh.written().contains(Pki.TRUSTSTORE));
    }

    @Test
    void leavesNeverOutliveTheirCa() throws Exception {
        Instant now = Instant.now();
        Pki first = Pki.ensure(dir(), NAMES, Clock.fixed(now, ZoneOffset.UTC));
        Instant nearCaEnd = now.plus(Pki.CA_VALIDITY).minus(Duration.ofDays(100));
        Pki late = Pki.ensure(dir(), List.of("elsewhere"), Clock.fixed(nearCaEnd, ZoneOffset.UTC));
        assertEquals(first.pem(Pki.CA_CRT), late.pem(Pki.CA_CRT));
        assertEquals(late.caCertificate().getNotAfter(), late.servingCertificate().getNotAfter());
    }

    @Test
    void namesAreNormalized() {
        assertEquals(Set.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "fe80:0:0:0:0:0:0:1", "example.com"),
                Pki.names(List.of("EXAMPLE.com", "[fe80::1]", "::1", " ")));
        assertTrue(Pki.isIp("10.0.0.1"));
        assertTrue(Pki.isIp("::1"));
        assertTrue(!Pki.isIp("host-1"));
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static KeyStore load(Path p, char[] pw) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Files.readAllBytes(p)), pw);
        return ks;
    }

    static Map<String, byte[]> contents(Pki pki) throws Exception {
        Map<String, byte[]> m = new HashMap<>();
        for (String f : ALL) {
            m.put(f, Files.readAllBytes(pki.file(f)));
        }
        return m;
    }

    @Test
    void aClientCertificateForANamedUserAndItsGroups() throws Exception {
        Path d = dir();
        Pki.ensure(d, NAMES);
        Pki pki = Pki.open(d);
        Pki.ClientCredentials alice = pki.issueClient("alice", java.util.List.of("dev", "ops"));
        java.security.cert.X509Certificate cert = Certificates.parse(alice.certificatePem());
        assertEquals(new io.kapi.api.rest.UserInfo("alice", "", java.util.List.of("dev", "ops", "system:authenticated")),
                new io.kapi.security.authn.X509Authenticator(pki.caCertificate()).authenticate(cert));
        assertTrue(Certificates.matches(Certificates.readPrivateKey(alice.keyPem()), cert.getPublicKey()));
        assertTrue(alice.keyPem().startsWith("-----BEGIN EC PRIVATE KEY-----"), "SEC1, as kube's keyutil writes it");
        assertThrows(java.io.IOException.class, () -> Pki.open(d.resolve("missing")));
    }
}
