package io.kapi.jetty.tuning;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.Container;

/**
 * Gives each connector added to the Jetty server an accept queue (listen backlog) as Go's {@code net.Listen}
 * gives kube-apiserver's: the system's {@code net.core.somaxconn}, at most 65535. Jetty's default (0) leaves
 * it to the JDK, which listens with a backlog of 50: 2000 clients connecting at once overflow it and time out.
 * The system property {@value #PROPERTY} (in {@code etc/system.properties}) sets another size. A connector
 * configured with its own size keeps it.
 *
 * <p>Registered by this fragment's {@code jetty.xml} as a listener of the server's beans, so it sees Pax Web's
 * connectors as they are added, before they open.
 */
public final class AcceptQueueSizing implements Container.Listener {
    static final String PROPERTY = "io.kapi.server.acceptQueueSize";
    static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");
    /** Go's fallback when somaxconn cannot be read. */
    static final int GO_DEFAULT = 128;
    /** Go caps the backlog to what older Linux kernels store (a 16-bit field). */
    static final int GO_MAX = 65535;
    private static final Logger LOG = Logger.getLogger(AcceptQueueSizing.class.getName());

    private final int size;

    public AcceptQueueSizing() {
        this(size(System.getProperty(PROPERTY), SOMAXCONN));
    }

    AcceptQueueSizing(int size) {
        this.size = size;
    }

    /** The configured size, or Go's: the system's somaxconn capped at 65535, 128 when it cannot be read. */
    static int size(String configured, Path somaxconn) {
        if (configured != null && !configured.isBlank()) {
            try {
                int n = Integer.parseInt(configured.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                LOG.log(Level.WARNING, PROPERTY + "=" + configured + " is not a positive number; the system's size is used", e);
            }
        }
        try {
            // a stream read to its end: Files.readString trusts the size a /proc file reports and reads "4" of "4096"
            String text;
            try (InputStream in = Files.newInputStream(somaxconn)) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            int n = Integer.parseInt(text.trim());
            return n <= 0 ? GO_DEFAULT : Math.min(n, GO_MAX);
        } catch (IOException | NumberFormatException e) {
            LOG.log(Level.FINE, "cannot read " + somaxconn + "; Go's default backlog is used", e);
            return GO_DEFAULT;
        }
    }

    int size() {
        return size;
    }

    @Override
    public void beanAdded(Container parent, Object child) {
        if (child instanceof ServerConnector connector && connector.getAcceptQueueSize() <= 0) {
            connector.setAcceptQueueSize(size);
            LOG.info("accept queue of connector " + connector.getName() + " (port " + connector.getPort() + "): " + size);
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // nothing to undo
    }
}
