package io.kapi.jetty.tuning;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.Container;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A JVM that has just started runs the TLS handshake's arithmetic (ECDSA over P-256, X25519, the key schedule's
 * hashes) interpreted until its JIT compilers have seen it often enough. After a restart under 2000 reconnecting
 * watchers, three quarters of the Java samples of Jetty's threads were in the JDK's field arithmetic, on code not yet
 * compiled, while the handshakes took the two CPUs for about nine seconds. While a TLS connector waits for Kapi's
 * servlet ({@link AcceptOnceKapiServes}), this runs handshakes in memory (two {@link SSLEngine}s, no socket) with
 * the connector's own certificate, key and settings, so that the first clients find that code compiled. It stops
 * once the connector accepts, after {@value #PROPERTY} handshakes (default {@value #DEFAULT_HANDSHAKES}; 0 turns it
 * off), or at the first failure, which it logs.
 *
 * <p>Registered by this fragment's {@code jetty.xml} as a listener of the server's beans; each TLS connector gets a
 * daemon thread of its own.
 */
public final class TlsWarmUp implements Container.Listener {
    static final String PROPERTY = "io.kapi.server.tlsWarmUpHandshakes";
    static final int DEFAULT_HANDSHAKES = 200;
    private static final long START_WAIT_SECONDS = 120;
    private static final Logger LOG = Logger.getLogger(TlsWarmUp.class.getName());

    private final int handshakes;

    public TlsWarmUp() {
        this(Integer.getInteger(PROPERTY, DEFAULT_HANDSHAKES));
    }

    TlsWarmUp(int handshakes) {
        this.handshakes = handshakes;
    }

    @Override
    public void beanAdded(Container parent, Object child) {
        if (handshakes <= 0 || !(child instanceof AbstractConnector connector) || connector.isRunning()) {
            return;
        }
        for (ConnectionFactory f : connector.getConnectionFactories()) {
            if (f instanceof SslConnectionFactory ssl) {
                Thread t = new Thread(() -> warmUp(connector, ssl.getSslContextFactory()), "kapi-tls-warm-up");
                t.setDaemon(true);
                t.start();
                return;
            }
        }
    }

    /** Once the connector's TLS context has started: handshakes until the connector accepts or enough were made. */
    private void warmUp(AbstractConnector connector, SslContextFactory tls) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_WAIT_SECONDS);
        while (!tls.isStarted() || !connector.isStarted()) {
            if (System.nanoTime() - deadline > 0 || tls.isFailed() || connector.isFailed()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
        long start = System.nanoTime();
        try {
            // stops once the connector accepts, or when Pax Web stopped it meanwhile (a configuration change)
            int done = handshakes(tls, handshakes, () -> connector.isAccepting() || !connector.isRunning());
            LOG.info("TLS of connector " + connector.getName() + " warmed up by " + done + " handshakes in memory in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        } catch (SSLException | RuntimeException e) {
            // a connector stopped under it ends the warm-up quietly; anything else is said
            LOG.log(connector.isRunning() ? Level.WARNING : Level.FINE, "TLS warm-up of connector " + connector.getName() + " stopped", e);
        }
    }

    /**
     * Up to {@code count} full handshakes between a server engine of {@code tls} and a client that trusts it, stopping
     * early once {@code stop} says so; returns how many completed.
     */
    static int handshakes(SslContextFactory tls, int count, BooleanSupplier stop) throws SSLException {
        SSLContext client;
        try {
            client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] {new TrustingClient()}, new SecureRandom());
        } catch (java.security.GeneralSecurityException e) {
            throw new SSLException("no client TLS context to warm up with", e);
        }
        int done = 0;
        while (done < count && !stop.getAsBoolean()) {
            SSLEngine server = tls.newSSLEngine();
            server.setUseClientMode(false);
            if (server.getNeedClientAuth()) {
                server.setWantClientAuth(true); // the in-memory client has no certificate to present
            }
            SSLEngine peer = client.createSSLEngine(); // no host and port: no session kept to resume, every handshake in full
            peer.setUseClientMode(true);
            handshake(peer, server);
            done++;
        }
        return done;
    }

    /** Runs a handshake between two engines through buffers in memory. */
    static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer app = ByteBuffer.allocate(Math.max(client.getSession().getApplicationBufferSize(),
                server.getSession().getApplicationBufferSize()));
        ByteBuffer none = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 50; round++) {
            if (idle(client) && idle(server)) {
                return;
            }
            step(client, none, toServer, true);
            toServer.flip();
            step(server, toServer, app, false);
            toServer.compact();
            app.clear();
            step(server, none, toClient, true);
            toClient.flip();
            step(client, toClient, app, false);
            toClient.compact();
            app.clear();
        }
        throw new SSLException("the warm-up handshake did not finish");
    }

    private static boolean idle(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine e, ByteBuffer from, ByteBuffer to, boolean wrap) throws SSLException {
        SSLEngineResult r = wrap ? e.wrap(from, to) : e.unwrap(from, to);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the warm-up handshake was closed: " + r);
        }
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // a warm-up under way ends on its own
    }

    /** The in-memory client's trust: the server is this process itself. */
    static final class TrustingClient implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
