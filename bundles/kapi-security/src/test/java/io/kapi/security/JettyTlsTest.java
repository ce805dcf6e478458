package io.kapi.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import io.kapi.security.authn.TokenAuthenticator;
import io.kapi.security.authn.TokenFile;
import io.kapi.security.authn.X509Authenticator;
import io.kapi.security.pki.Kubeconfig;
import io.kapi.security.pki.Pki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl against Jetty 9.4 (Pax Web 8's) with the secure connector set up as Pax Web's
 * {@code JettyFactory#createSecureConnector} sets it up from the properties kapi-security writes
 * (plus Pax Web's metatype defaults for protocol and exclusions), and the authenticators reading
 * what Jetty's SecureRequestCustomizer puts in the request.
 */
class JettyTlsTest {
    @TempDir
    Path dir;

    Pki pki;
    Server server;
    String token;
    int port;

    /** Answers the authenticated user's name and groups, 401 for a bad credential, "anonymous" for none. */
    static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient List<Authenticator> authenticators;

        WhoAmI(List<Authenticator> authenticators) {
            this.authenticators = authenticators;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            UserInfo user = null;
            try {
                for (Authenticator a : authenticators) {
                    user = a.authenticate(req);
                    if (user != null) {
                        break;
                    }
                }
            } catch (StatusException e) {
                resp.sendError(e.code(), e.getMessage());
                return;
            }
            resp.setContentType("text/plain");
            resp.getWriter().print(user == null ? "anonymous" : user.name() + " " + user.groups());
        }
    }

    @BeforeEach
    void start() throws Exception {
        Kubectl.assumeInstalled();
        pki = Pki.ensure(dir.resolve("pki"), List.of("kubernetes"));
        token = TokenFile.ensureAdminToken(dir.resolve("tokens.csv")).orElseThrow();
        String pw = pki.keystorePassword();

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(pki.file(Pki.KEYSTORE).toString());
        ssl.setKeyStorePassword(pw);
        ssl.setKeyManagerPassword(pw);
        ssl.setCertAlias(Pki.KEY_ALIAS);
        ssl.setKeyStoreType("PKCS12");
        ssl.setTrustStorePath(pki.file(Pki.TRUSTSTORE).toString());
        ssl.setTrustStorePassword(pw);
        ssl.setTrustStoreType("PKCS12");
        ssl.setWantClientAuth(true);
        ssl.setNeedClientAuth(false);
        ssl.setTrustAll(false);
        ssl.setHostnameVerifier(null);
        ssl.setProtocol("TLSv1.3");
        ssl.setExcludeProtocols("SSL", "SSLv2", "SSLv2Hello", "SSLv3");
        ssl.setExcludeCipherSuites("^.*_(MD5|SHA|SHA1)$", "^TLS_RSA_.*$", "^SSL_.*$", "^.*_NULL_.*$", "^.*_anon_.*");
        ssl.setUseCipherSuitesOrder(true);

        server = new Server();
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new WhoAmI(List.of(new X509Authenticator(pki.caCertificate()),
                new TokenAuthenticator(dir.resolve("tokens.csv"))))), "/whoami");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theAdminKubeconfigAuthenticatesWithItsCertificate() throws Exception {
        Path kubeconfig = dir.resolve("admin.kubeconfig");
        Kubeconfig.write(kubeconfig, Kubeconfig.serverUrl("127.0.0.1", port), pki);
        Kubectl.Result r = Kubectl.run("--kubeconfig", kubeconfig.toString(), "get", "--raw", "/whoami");
        assertEquals(0, r.exit(), r.out());
        assertEquals("kapi-admin [system:masters, system:authenticated]", r.out().trim());
        Kubeconfig.write(kubeconfig, Kubeconfig.serverUrl("localhost", port), pki);
        assertEquals(0, Kubectl.run("--kubeconfig", kubeconfig.toString(), "get", "--raw", "/whoami").exit());
    }

    @Test
    void aTokenOrNothingAtAllIsAcceptedBecauseClientCertificatesAreOnlyWanted() throws Exception {
        Path empty = dir.resolve("empty.kubeconfig");
        Files.writeString(empty, "apiVersion: v1\nkind: Config\n");
        String url = Kubeconfig.serverUrl("127.0.0.1", port);
        String ca = pki.file(Pki.CA_CRT).toString();
        Kubectl.Result withToken = Kubectl.run("--kubeconfig", empty.toString(), "--server", url, "--certificate-authority", ca,
                "--token", token, "get", "--raw", "/whoami");
        assertEquals(0, withToken.exit(), withToken.out());
        assertEquals("kapi-admin [system:masters, system:authenticated]", withToken.out().trim());
        // kubectl without credentials prompts for a user name; the JDK client shows the anonymous case
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(new ByteArrayInputStream(Files.readAllBytes(pki.file(Pki.TRUSTSTORE))), pki.keystorePassword().toCharArray());
        tmf.init(ts);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpResponse<String> anonymous = HttpClient.newBuilder().sslContext(tls).build()
                .send(HttpRequest.newBuilder(URI.create(url + "/whoami")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, anonymous.statusCode());
        assertEquals("anonymous", anonymous.body());
        Kubectl.Result badToken = Kubectl.run("--kubeconfig", empty.toString(), "--server", url, "--certificate-authority", ca,
                "--token", "not-a-token", "get", "--raw", "/whoami");
        assertNotEquals(0, badToken.exit());
        assertTrue(badToken.out().contains("You must be logged in to the server"), badToken.out());
    }

    @Test
    void aClientCertificateOfAnotherCaFailsTheHandshake() throws Exception {
        Pki other = Pki.ensure(dir.resolve("other"), List.of());
        Path kubeconfig = dir.resolve("mixed.kubeconfig");
        // trusts our server, but presents a client certificate the other CA issued
        Files.writeString(kubeconfig, Kubeconfig.render(Kubeconfig.serverUrl("127.0.0.1", port), pki.pem(Pki.CA_CRT),
                other.pem(Pki.ADMIN_CRT), other.pem(Pki.ADMIN_KEY)));
        Kubectl.Result r = Kubectl.run("--kubeconfig", kubeconfig.toString(), "get", "--raw", "/whoami");
        assertNotEquals(0, r.exit(), r.out());
        // Jetty checks a presented certificate against the truststore even when it is only wanted:
        // the handshake fails before any authenticator runs
        assertTrue(r.out().contains("tls: unknown certificate"), r.out());
    }
}
