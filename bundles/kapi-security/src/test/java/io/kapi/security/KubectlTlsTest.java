package io.kapi.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.TokenFile;
import io.kapi.security.authn.X509Authenticator;
import io.kapi.security.pki.Kubeconfig;
import io.kapi.security.pki.Pki;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against a JDK HTTPS server that uses the generated keystore and truststore with
 * client certificates wanted, as Jetty is configured: kubectl trusts the CA, the serving names fit,
 * the admin certificate is presented, and a token-only client still gets through.
 */
class KubectlTlsTest {
    @TempDir
    Path dir;

    Pki pki;
    HttpsServer server;
    String token;
    final AtomicReference<String> subject = new AtomicReference<>();
    final AtomicReference<Object> user = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        Kubectl.assumeInstalled();
        pki = Pki.ensure(dir.resolve("pki"), List.of("kubernetes"));
        token = TokenFile.ensureAdminToken(dir.resolve("tokens.csv")).orElseThrow();
        X509Authenticator x509 = new X509Authenticator(pki.caCertificate());
        TokenAuthenticator tokens = new TokenAuthenticator(dir.resolve("tokens.csv"));

        char[] pw = pki.keystorePassword().toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(pki.file(Pki.KEYSTORE), pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(pki.file(Pki.TRUSTSTORE), pw));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                params.setWantClientAuth(true);
            }
        });
        server.createContext("/healthz", exchange -> {
            Map<String, Object> attrs = new HashMap<>();
            try {
                Certificate[] peer = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
                X509Certificate[] chain = Arrays.copyOf(peer, peer.length, X509Certificate[].class);
                subject.set(chain[0].getSubjectX500Principal().getName());
                attrs.put(X509Authenticator.CERTIFICATE_ATTRIBUTE, chain);
            } catch (SSLPeerUnverifiedException noClientCertificate) {
                subject.set(null);
            }
            Map<String, String> headers = new HashMap<>();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                headers.put("Authorization", authorization);
            }
            // the authenticators in kapi-core's order: x509 first, then tokens
            try {
                UserInfo u = x509.authenticate(TestCa.request(attrs, headers));
                user.set(u != null ? u : tokens.authenticate(TestCa.request(attrs, headers)));
            } catch (StatusException e) {
                user.set(e);
            }
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    String url(String host) {
        return Kubeconfig.serverUrl(host, server.getAddress().getPort());
    }

    @Test
    void kubectlWithTheAdminKubeconfigPresentsTheAdminCertificate() throws Exception {
        Path kubeconfig = dir.resolve("admin.kubeconfig");
        Kubeconfig.write(kubeconfig, url("127.0.0.1"), pki);
        Kubectl.Result r = Kubectl.run("--kubeconfig", kubeconfig.toString(), "get", "--raw", "/healthz");
        assertEquals(0, r.exit(), r.out());
        assertEquals("ok", r.out().trim());
        assertEquals("CN=kapi-admin,O=system:masters", subject.get());
        assertEquals(new UserInfo("kapi-admin", "", List.of("system:masters", "system:authenticated")), user.get());
    }

    @Test
    void theServingCertificateCoversLocalhostAndItsNames() throws Exception {
        Path kubeconfig = dir.resolve("admin.kubeconfig");
        Kubeconfig.write(kubeconfig, url("localhost"), pki);
        Kubectl.Result r = Kubectl.run("--kubeconfig", kubeconfig.toString(), "get", "--raw", "/healthz");
        assertEquals(0, r.exit(), r.out());
        Kubectl.Result svc = Kubectl.run("--kubeconfig", kubeconfig.toString(), "--tls-server-name", "kubernetes", "get", "--raw", "/healthz");
        assertEquals(0, svc.exit(), svc.out());
        Kubectl.Result other = Kubectl.run("--kubeconfig", kubeconfig.toString(), "--tls-server-name", "not-ours.example", "get", "--raw",
                "/healthz");
        assertNotEquals(0, other.exit());
        assertTrue(other.out().contains("not-ours.example"), other.out());
    }

    @Test
    void aTokenWithoutClientCertificateStillConnects() throws Exception {
        Path empty = dir.resolve("empty.kubeconfig");
        Files.writeString(empty, "apiVersion: v1\nkind: Config\n");
        Kubectl.Result r = Kubectl.run("--kubeconfig", empty.toString(), "--server", url("127.0.0.1"),
                "--certificate-authority", pki.file(Pki.CA_CRT).toString(), "--token", token, "get", "--raw", "/healthz");
        assertEquals(0, r.exit(), r.out());
        assertEquals("ok", r.out().trim());
        assertNull(subject.get(), "no client certificate");
        assertEquals(new UserInfo("kapi-admin", "kapi-admin", List.of("system:masters", "system:authenticated")), user.get());
    }

    @Test
    void aForeignCaIsNotTrusted() throws Exception {
        Pki other = Pki.ensure(dir.resolve("other"), List.of());
        Path kubeconfig = dir.resolve("other.kubeconfig");
        Kubeconfig.write(kubeconfig, url("127.0.0.1"), other);
        Kubectl.Result r = Kubectl.run("--kubeconfig", kubeconfig.toString(), "get", "--raw", "/healthz");
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("certificate signed by unknown authority"), r.out());
    }

    static KeyStore load(Path p, char[] pw) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Files.readAllBytes(p)), pw);
        return ks;
    }
}
