package io.kapi.jetty.tuning;

import java.util.logging.Logger;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.component.Container;

/**
 * Gives each connector added to the Jetty server HTTP/1.1 connections that close every chunk at once
 * ({@link EagerChunkConnectionFactory}): Jetty's own HTTP/1.1 factory is replaced by one with the same
 * configuration and compliance, before the connector starts. Registered by this fragment's
 * {@code jetty.xml}, as {@link AcceptQueueSizing} is.
 */
public final class EagerChunking implements Container.Listener {
    private static final Logger LOG = Logger.getLogger(EagerChunking.class.getName());

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
            }
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // nothing to undo
    }
}
