package io.kapi.jetty.tuning;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import org.eclipse.jetty.http.pathmap.MappedResource;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.servlet.ServletHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.component.Container;

/**
 * kube-apiserver listens once its handler chain is built: before that there is no port. Pax Web starts Jetty's
 * connectors seconds before Kapi's servlet is registered, and every client that connects meanwhile costs a TLS
 * handshake (several milliseconds of CPU in the JDK) only to be answered 404 or 503. After a restart thousands of
 * watchers retry at once: their handshakes take the CPU Karaf needs to finish starting, which prolongs the very
 * window they are refused in.
 *
 * <p>So each connector of a server starts without accepting (its port bound; the kernel queues connections in the
 * accept queue, {@link AcceptQueueSizing}) until the servlet named {@value #SERVLET} is added to that server,
 * then accepts. A connector added to a server that already has it accepts at once. If the servlet has not come
 * {@value #PROPERTY} seconds (default {@value #DEFAULT_SECONDS}) after the connector was added, the connector
 * accepts anyway, so that a Kapi that cannot start still answers its health checks. Once accepting, a connector is
 * never paused again (a bundle update of Kapi's core keeps the port).
 *
 * <p>Registered by this fragment's {@code jetty.xml} on the server; it listens to every handler below it as well, so
 * it sees servlets being added to Pax Web's contexts (Jetty's own inheritance of listeners reaches only managed
 * beans, and Pax Web adds its contexts to a running server, which leaves them unmanaged).
 */
public final class AcceptOnceKapiServes implements Container.Listener {
    /** The name Kapi's core registers its servlet with ({@code osgi.http.whiteboard.servlet.name}). */
    static final String SERVLET = "kapi";
    static final String PROPERTY = "io.kapi.server.acceptWithoutKapiAfterSeconds";
    static final int DEFAULT_SECONDS = 60;
    static final int MAPPING_WAIT_SECONDS = 30;
    private static final Logger LOG = Logger.getLogger(AcceptOnceKapiServes.class.getName());

    private final long failSafeSeconds;

    public AcceptOnceKapiServes() {
        this(Long.getLong(PROPERTY, DEFAULT_SECONDS));
    }

    AcceptOnceKapiServes(long failSafeSeconds) {
        this.failSafeSeconds = failSafeSeconds;
    }

    @Override
    public void beanAdded(Container parent, Object child) {
        if (parent instanceof Server server && child instanceof AbstractConnector connector && !connector.isRunning()) {
            if (!servesKapi(server)) {
                connector.setAccepting(false);
                LOG.info("connector " + connector.getName() + " accepts once Kapi's servlet is registered");
                CompletableFuture.delayedExecutor(failSafeSeconds, TimeUnit.SECONDS).execute(() -> {
                    if (!connector.isAccepting()) {
                        LOG.warning("no Kapi servlet after " + failSafeSeconds + " s: connector " + connector.getName()
                                + " accepts anyway (" + PROPERTY + ")");
                        connector.setAccepting(true);
                    }
                });
            }
        } else if (child instanceof Handler && child instanceof Container handlers && child != parent) {
            handlers.addEventListener(this); // told of what it holds now and of what is added to it later
        } else if (child instanceof ServletHolder holder && SERVLET.equals(holder.getName())
                && parent instanceof ServletHandler handler && handler.getServer() != null) {
            acceptOnceMapped(handler);
        }
    }

    /**
     * Every connector of the handler's server accepts once its context has started and maps requests to Kapi's
     * servlet. Jetty adds a servlet's holder before its mapping, and Pax Web starts the context after both: a
     * connection queued meanwhile and served as the holder arrives would be answered 404. Waits on a thread of its
     * own, {@value #MAPPING_WAIT_SECONDS} s at most (then the connectors accept anyway, as the fail-safe does).
     */
    private static void acceptOnceMapped(ServletHandler handler) {
        Server server = handler.getServer();
        Thread waiter = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAPPING_WAIT_SECONDS);
            while (!mapsKapi(handler) && deadline - System.nanoTime() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            accept(server);
        }, "kapi-accept-once-mapped");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Whether {@code handler} is started and maps a request to Kapi's servlet. */
    static boolean mapsKapi(ServletHandler handler) {
        if (!handler.isStarted()) {
            return false;
        }
        MappedResource<ServletHolder> mapped = handler.getMappedServlet("/");
        return mapped != null && SERVLET.equals(mapped.getResource().getName());
    }

    /** Every connector of {@code server} accepts. */
    static void accept(Server server) {
        for (Connector c : server.getConnectors()) {
            if (c instanceof AbstractConnector connector && !connector.isAccepting()) {
                connector.setAccepting(true);
                LOG.info("Kapi's servlet is registered: connector " + connector.getName() + " accepts");
            }
        }
    }

    /** Whether a context of {@code server} already holds Kapi's servlet. */
    static boolean servesKapi(Server server) {
        Handler[] handlers = server.getChildHandlersByClass(ServletHandler.class);
        if (handlers == null) {
            return false;
        }
        for (Handler h : handlers) {
            ServletHolder[] holders = ((ServletHandler) h).getServlets();
            for (ServletHolder holder : holders == null ? new ServletHolder[0] : holders) {
                if (SERVLET.equals(holder.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // a connector, once accepting, stays so
    }
}
