package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handshakes in memory with a real Jetty TLS context, as Kapi's serving key is (EC P-256, PKCS12). */
class TlsWarmUpTest {
    @TempDir
    Path dir;

    private Server server;
    /** What the warm-up logged, level first. */
    private final java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.logging.Handler recorder = recorder(logged);

    @org.junit.jupiter.api.BeforeEach
    void record() {
        java.util.logging.Logger.getLogger(TlsWarmUp.class.getName()).addHandler(recorder);
    }

    @AfterEach
    void stop() throws Exception {
        java.util.logging.Logger.getLogger(TlsWarmUp.class.getName()).removeHandler(recorder);
        if (server != null) {
            server.stop();
        }
    }

    private SslContextFactory.Server tls() throws Exception {
        Path keystore = dir.resolve("serving.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "serving", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=kapi", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore.toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword("changeit");
        tls.setWantClientAuth(true); // as Kapi's connector: a client certificate is asked for, not required
        return tls;
    }

    @Test
    void fullHandshakesWithTheConnectorsOwnContext() throws Exception {
        SslContextFactory.Server tls = tls();
        tls.start();
        try {
            assertEquals(5, TlsWarmUp.handshakes(tls, 5, () -> false));
            // each one a full handshake over TLS 1.3, the server signing with its key (no session resumed)
            SSLEngine server = tls.newSSLEngine();
            server.setUseClientMode(false);
            javax.net.ssl.SSLContext client = javax.net.ssl.SSLContext.getInstance("TLS");
            client.init(null, new javax.net.ssl.TrustManager[] {new TlsWarmUp.TrustingClient()}, null);
            SSLEngine peer = client.createSSLEngine();
            peer.setUseClientMode(true);
            TlsWarmUp.handshake(peer, server);
            assertEquals("TLSv1.3", server.getSession().getProtocol());
            assertEquals("CN=kapi", peer.getSession().getPeerPrincipal().getName());
        } finally {
            tls.stop();
        }
    }

    /** A connector that requires client certificates: the warm-up's client has none, and is only asked for one. */
    @Test
    void aConnectorThatNeedsClientCertificatesIsWarmedUpToo() throws Exception {
        SslContextFactory.Server tls = tls();
        tls.setNeedClientAuth(true);
        tls.start();
        try {
            assertEquals(2, TlsWarmUp.handshakes(tls, 2, () -> false));
        } finally {
            tls.stop();
        }
    }

    @Test
    void stopsWhenToldTo() throws Exception {
        SslContextFactory.Server tls = tls();
        tls.start();
        try {
            AtomicInteger asked = new AtomicInteger();
            assertEquals(2, TlsWarmUp.handshakes(tls, 100, () -> asked.incrementAndGet() > 2));
        } finally {
            tls.stop();
        }
    }

    /** Starts a server with one TLS connector paused until Kapi's servlet comes, and a warm-up of {@code handshakes}. */
    private ServerConnector startPaused(int handshakes) throws Exception {
        server = new Server();
        server.addEventListener(new AcceptOnceKapiServes(60));
        server.addEventListener(new TlsWarmUp(handshakes));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls(), "http/1.1"), new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.start();
        return connector;
    }

    /** The warm-up's log line, once it has ended (null if it did not within 30 s). */
    private String awaitWarmedUp() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String m : logged) {
                if (m.contains("warmed up by")) {
                    return m;
                }
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** The warm-up ends as soon as the connector accepts, and the connector serves TLS clients from then on. */
    @Test
    void endsOnceTheConnectorAcceptsWhichThenServes() throws Exception {
        ServerConnector connector = startPaused(100_000);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!connector.isStarted() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // some handshakes under way
        AcceptOnceKapiServes.accept(server);
        String line = awaitWarmedUp();
        assertTrue(line != null, "no end of the warm-up: " + logged);
        int done = Integer.parseInt(line.replaceAll(".*warmed up by (\\d+) handshakes.*", "$1"));
        assertTrue(done < 100_000, line);
        javax.net.ssl.SSLContext client = javax.net.ssl.SSLContext.getInstance("TLS");
        client.init(null, new javax.net.ssl.TrustManager[] {new TlsWarmUp.TrustingClient()}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket("127.0.0.1",
                connector.getLocalPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 404 "), answer); // no handler: Jetty's own 404, over TLS
        }
    }

    private static java.util.logging.Handler recorder(java.util.List<String> logged) {
        return new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    /** On a real server: a TLS connector paused until Kapi's servlet comes is warmed up while it waits. */
    @Test
    void aPausedTlsConnectorIsWarmedUpWhileItWaits() throws Exception {
        ServerConnector connector = startPaused(3);
        String line = awaitWarmedUp();
        assertTrue(line != null && line.startsWith("INFO ") && line.contains("warmed up by 3 handshakes"), "logged: " + logged);
        assertTrue(!connector.isAccepting(), "still waiting for Kapi's servlet");
    }
}
