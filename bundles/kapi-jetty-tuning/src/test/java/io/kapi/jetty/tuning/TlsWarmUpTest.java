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

    @AfterEach
    void stop() throws Exception {
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

    @Test
    void stopsOnceTheConnectorAccepts() throws Exception {
        SslContextFactory.Server tls = tls();
        tls.start();
        try {
            AtomicInteger asked = new AtomicInteger();
            assertEquals(2, TlsWarmUp.handshakes(tls, 100, () -> asked.incrementAndGet() > 2));
        } finally {
            tls.stop();
        }
    }

    /** On a real server: a TLS connector paused until Kapi's servlet comes is warmed up, then still serves. */
    @Test
    void aPausedTlsConnectorIsWarmedUpWhileItWaits() throws Exception {
        server = new Server();
        server.addEventListener(new AcceptOnceKapiServes(60));
        AtomicInteger warmed = new AtomicInteger();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(TlsWarmUp.class.getName());
        java.util.logging.Handler counter = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getMessage().contains("warmed up by 3 handshakes")) {
                    warmed.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(counter);
        try {
            server.addEventListener(new TlsWarmUp(3));
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls(), "http/1.1"), new HttpConnectionFactory());
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            server.start();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (warmed.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, warmed.get());
            assertTrue(!connector.isAccepting(), "still waiting for Kapi's servlet");
        } finally {
            log.removeHandler(counter);
        }
    }
}
