package io.kapi.jetty.tuning;

import java.util.logging.Logger;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.util.component.Container;

/**
 * Serves a request whatever its {@code Host} says on a TLS connection opened with another server name (SNI),
 * as Go's {@code net/http} serves kube-apiserver's: the name only chooses the certificate. Jetty's
 * {@link SecureRequestCustomizer} checks by default that the {@code Host} of every request matches the
 * certificate the SNI name chose, and answers a mismatch (a client behind a tunnel or a proxy that keeps the
 * server name but rewrites the host) with an HTML 400 {@code Host does not match SNI}. The check also compiled
 * a regular expression on every request to an IP address.
 *
 * <p>Registered by this fragment's {@code jetty.xml} as a listener of the server's beans, so it sees Pax
 * Web's connectors as they are added, before they start.
 */
public final class SniHostCheckOff implements Container.Listener {
    private static final Logger LOG = Logger.getLogger(SniHostCheckOff.class.getName());

    @Override
    public void beanAdded(Container parent, Object child) {
        if (!(child instanceof AbstractConnector connector) || connector.isRunning()) {
            return;
        }
        for (ConnectionFactory f : connector.getConnectionFactories()) {
            if (f instanceof HttpConfiguration.ConnectionFactory http) {
                for (HttpConfiguration.Customizer c : http.getHttpConfiguration().getCustomizers()) {
                    if (c instanceof SecureRequestCustomizer secure && secure.isSniHostCheck()) {
                        secure.setSniHostCheck(false);
                        LOG.info("connector " + connector.getName() + " serves any Host whatever the TLS server name");
                    }
                }
            }
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // nothing to undo
    }
}
