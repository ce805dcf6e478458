package io.kapi.security.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.security.TestCa;
import io.kapi.security.pki.Pki;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class X509AuthenticatorTest {
    @TempDir
    Path dir;

    @Test
    void theGeneratedAdminCertificateIsKapiAdminInSystemMasters() throws Exception {
        Pki pki = Pki.ensure(dir.resolve("pki"), List.of());
        X509Authenticator authn = new X509Authenticator(pki.caCertificate());
        UserInfo user = authn.authenticate(TestCa.request(Map.of(X509Authenticator.CERTIFICATE_ATTRIBUTE,
                new X509Certificate[] {pki.adminCertificate()}), Map.of()));
        assertEquals(new UserInfo("kapi-admin", "", List.of("system:masters", "system:authenticated")), user);
    }

    @Test
    void noCertificateIsNoCredential() throws Exception {
        X509Authenticator authn = new X509Authenticator(new TestCa("CN=ca").cert);
        assertNull(authn.authenticate(TestCa.request(Map.of(), Map.of())));
        assertNull(authn.authenticate(TestCa.request(Map.of(X509Authenticator.CERTIFICATE_ATTRIBUTE, new X509Certificate[0]), Map.of())));
    }

    @Test
    void aCertificateOfAForeignCaIsRejected() throws Exception {
        Pki ours = Pki.ensure(dir.resolve("ours"), List.of());
        Pki theirs = Pki.ensure(dir.resolve("theirs"), List.of());
        X509Authenticator authn = new X509Authenticator(ours.caCertificate());
        StatusException e = assertThrows(StatusException.class, () -> authn.authenticate(TestCa.request(
                Map.of(X509Authenticator.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {theirs.adminCertificate()}), Map.of())));
        assertEquals(401, e.code());
        assertEquals("Unauthorized", e.reason());
        // presenting the foreign CA alongside does not help
        assertThrows(StatusException.class, () -> authn.authenticate(theirs.adminCertificate(), theirs.caCertificate()));
        // nor does a self-signed certificate with the right subject
        TestCa impostor = new TestCa("CN=kapi-admin,O=system:masters");
        assertThrows(StatusException.class, () -> authn.authenticate(impostor.cert));
    }

    @Test
    void aServingCertificateIsNotForClientAuth() throws Exception {
        Pki pki = Pki.ensure(dir.resolve("pki"), List.of());
        X509Authenticator authn = new X509Authenticator(pki.caCertificate());
        assertThrows(StatusException.class, () -> authn.authenticate(pki.servingCertificate()));
    }

    @Test
    void usersAndGroupsAsKubeMapsThem() throws Exception {
        TestCa ca = new TestCa("CN=test-ca");
        X509Authenticator authn = new X509Authenticator(ca.cert);
        // no EKU at all allows every usage, as in Go; several O values are several groups
        UserInfo jane = authn.authenticate(ca.issue("CN=jane,O=dev,O=ops,OU=ignored", null));
        assertEquals("jane", jane.name());
        assertEquals(List.of("dev", "ops", "system:authenticated"), jane.groups());
        UserInfo any = authn.authenticate(ca.issue("CN=any", KeyPurposeId.anyExtendedKeyUsage));
        assertEquals(List.of("system:authenticated"), any.groups());
        UserInfo withChain = authn.authenticate(ca.issue("CN=chained", KeyPurposeId.id_kp_clientAuth), ca.cert);
        assertEquals("chained", withChain.name());
        UserInfo escaped = authn.authenticate(ca.issue("CN=a\\,b,O=x\\+y", KeyPurposeId.id_kp_clientAuth));
        assertEquals("a,b", escaped.name());
        assertEquals(List.of("x+y", "system:authenticated"), escaped.groups());
        assertThrows(StatusException.class, () -> authn.authenticate(ca.issue("O=no-common-name", KeyPurposeId.id_kp_clientAuth)));
        assertThrows(StatusException.class, () -> authn.authenticate(ca.issue("CN=server", KeyPurposeId.id_kp_serverAuth)));
    }

    @Test
    void validityIsChecked() throws Exception {
        TestCa ca = new TestCa("CN=test-ca");
        X509Certificate cert = ca.issue("CN=short", KeyPurposeId.id_kp_clientAuth, Instant.now().minusSeconds(60), Duration.ofMinutes(10));
        Instant later = Instant.now().plus(Duration.ofHours(1));
        assertEquals("short", new X509Authenticator(List.of(ca.cert)).authenticate(cert).name());
        assertThrows(StatusException.class, () -> new X509Authenticator(List.of(ca.cert), Clock.fixed(later, ZoneOffset.UTC))
                .authenticate(cert));
        X509Certificate future = ca.issue("CN=future", KeyPurposeId.id_kp_clientAuth, Instant.now().plusSeconds(600), Duration.ofMinutes(10));
        assertThrows(StatusException.class, () -> new X509Authenticator(ca.cert).authenticate(future));
    }
}
