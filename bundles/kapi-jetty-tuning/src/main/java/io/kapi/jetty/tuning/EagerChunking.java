package io.kapi.jetty.tuning;

import java.util.logging.Logger;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.component.Container;

/**
 * Gives each connector added to the Jetty server HTTP/1.1 connections that close every chunk at once
 * ({@link EagerChunkConnectionFactory}): Jetty's own HTTP/1.1 factory is replaced by one with the same
 * configuration and compliance, before the connector starts; Jetty's HTTP/2 factory (TLS, "h2") by a
 * {@link WatchingHttp2ConnectionFactory} with its settings. Registered by this fragment's
 * {@code jetty.xml}, as {@link AcceptQueueSizing} is.
 */
public final class EagerChunking implements Container.Listener {
    private static final Logger LOG = Logger.getLogger(EagerChunking.class.getName());
    private static final String HTTP2 = "org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory";

    /** Loaded only when Jetty's HTTP/2 factory is there. */
    private static final class Http2Replacement {
        static ConnectionFactory of(ConnectionFactory jetty) {
            return WatchingHttp2ConnectionFactory.replacing((org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory) jetty);
        }
    }

    @Override
    public void beanAdded(Container parent, Object child) {
        if (!(child instanceof AbstractConnector connector) || connector.isRunning()) {
            return;
        }
        // a copy: replacing a factory changes the connector's collection of them
        for (ConnectionFactory f : new java.util.ArrayList<>(connector.getConnectionFactories())) {
            if (f.getClass() == HttpConnectionFactory.class) {
                HttpConnectionFactory jetty = (HttpConnectionFactory) f;
                EagerChunkConnectionFactory eager = new EagerChunkConnectionFactory(jetty.getHttpConfiguration(), jetty.getHttpCompliance());
                eager.setRecordHttpComplianceViolations(jetty.isRecordHttpComplianceViolations());
                eager.setInputBufferSize(jetty.getInputBufferSize());
                connector.addConnectionFactory(eager); // replaces the factory of the same protocol
                LOG.info("HTTP/1.1 chunks of connector " + connector.getName() + " are closed as they are written");
            } else if (f.getClass().getName().equals(HTTP2)) {
                // only named here: the HTTP/2 bundles are optional for this fragment's host
                connector.addConnectionFactory(Http2Replacement.of(f));
                LOG.info("HTTP/2 streams of connector " + connector.getName() + " tell their watches when their client has gone");
            }
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // nothing to undo
    }
}
