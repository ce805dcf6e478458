package io.kapi.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.security.authn.AdminAuthorizer;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.Tokens;
import io.kapi.security.authn.X509Authenticator;
import io.kapi.security.pki.Certificates;
import io.kapi.security.pki.Kubeconfig;
import io.kapi.security.pki.Pki;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {
    @TempDir
    Path dir;

    @Test
    void pkiIsCreatedOnceAndReused() throws Exception {
        Pki pki = Pki.ensure(dir.resolve("pki"), List.of("localhost", "127.0.0.1"));
        String ca = pki.pem(Pki.CA_CRT);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.file(Pki.ADMIN_KEY))));
        Pki again = Pki.ensure(dir.resolve("pki"), List.of("localhost", "127.0.0.1"));
        assertEquals(ca, again.pem(Pki.CA_CRT), "existing material is never regenerated");
        X509Certificate admin = Certificates.parse(pki.pem(Pki.ADMIN_CRT));
        UserInfo user = new X509Authenticator(pki.caCertificate()).authenticate(admin);
        assertEquals("kapi-admin", user.name());
        assertTrue(user.groups().contains("system:masters"));
    }

    @Test
    void aCertificateFromAnotherCaIsRejected() throws Exception {
        Pki ours = Pki.ensure(dir.resolve("ours"), List.of("localhost"));
        Pki theirs = Pki.ensure(dir.resolve("theirs"), List.of("localhost"));
        X509Certificate foreign = Certificates.parse(theirs.pem(Pki.ADMIN_CRT));
        StatusException e = assertThrows(StatusException.class, () -> new X509Authenticator(ours.caCertificate()).authenticate(foreign));
        assertEquals(401, e.code());
    }

    @Test
    void tokensAndTheAdminAuthorizer() throws Exception {
        var users = TokenAuthenticator.parse(List.of("# comment", "abc,alice,u1,\"dev,ops\"", "xyz,bob,u2"));
        assertEquals(List.of("dev", "ops", "system:authenticated"), users.get("abc").groups());
        assertEquals("bob", users.get("xyz").name());
        Path tokens = dir.resolve("tokens.csv");
        Tokens.ensureAdminToken(tokens);
        String first = Files.readString(tokens);
        Tokens.ensureAdminToken(tokens);
        assertEquals(first, Files.readString(tokens));
        UserInfo admin = TokenAuthenticator.parse(Files.readAllLines(tokens)).values().iterator().next();
        assertEquals(Authorizer.Decision.ALLOW, new AdminAuthorizer().authorize(admin, null));
        assertEquals(Authorizer.Decision.NO_OPINION, new AdminAuthorizer().authorize(users.get("xyz"), null));
    }

    /** The real kubectl trusts the generated CA, accepts the serving certificate's names and presents the admin certificate. */
    @Test
    void kubectlUsesTheGeneratedKubeconfig() throws Exception {
        assumeTrue(new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0, "kubectl on the PATH");
        Pki pki = Pki.ensure(dir.resolve("pki"), List.of("localhost", "127.0.0.1"));
        char[] pw = pki.keystorePassword().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(pki.file(Pki.KEYSTORE).toFile())) {
            ks.load(in, pw);
        }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(pki.file(Pki.TRUSTSTORE).toFile())) {
            ts.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                params.setWantClientAuth(true);
            }
        });
        AtomicReference<String> subject = new AtomicReference<>();
        server.createContext("/healthz", exchange -> {
            try {
                subject.set(((X509Certificate) ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession()
                        .getPeerCertificates()[0]).getSubjectX500Principal().getName());
            } catch (SSLPeerUnverifiedException none) {
                subject.set(null);
            }
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
        try {
            Path kubeconfig = dir.resolve("admin.kubeconfig");
            Kubeconfig.write(kubeconfig, "https://127.0.0.1:" + server.getAddress().getPort(), pki);
            Process p = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "get", "--raw", "/healthz")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertEquals("ok", out.trim());
            assertTrue(subject.get() != null && subject.get().contains("CN=kapi-admin"), String.valueOf(subject.get()));
        } finally {
            server.stop(0);
        }
        assertNull(null);
    }
}
