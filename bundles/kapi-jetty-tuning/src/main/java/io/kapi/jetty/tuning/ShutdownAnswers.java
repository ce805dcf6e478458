package io.kapi.jetty.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.util.component.LifeCycle;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Once the OSGi framework begins to stop, the Jetty server answers as kube-apiserver answers after its
 * shutdown began ({@code WithRetryAfter}): 429 {@code The apiserver is shutting down, please try again
 * later.}, {@code Retry-After: 5}, the connection closed; health probes and {@code /metrics} still go
 * through. Kapi's own server answers so too, but its servlet leaves with its bundle, a moment before
 * Pax Web's Jetty stops: without this, that moment answers every request with Pax Web's 404, which a
 * client takes for "deleted" and an informer or a Python watch loop does not retry.
 *
 * <p>Registered on the server by this fragment's {@code jetty.xml}; wraps the server's handler (Pax Web's)
 * as the server starts.
 */
public final class ShutdownAnswers implements LifeCycle.Listener {
    private static final Logger LOG = Logger.getLogger(ShutdownAnswers.class.getName());
    /** One listener for every server Pax Web creates (it creates a new one when its configuration changes). */
    private static final BooleanSupplier FRAMEWORK_STOPPING = frameworkStopping();
    private final BooleanSupplier stopping;

    public ShutdownAnswers() {
        this(FRAMEWORK_STOPPING);
    }

    ShutdownAnswers(BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /**
     * True from the system bundle's STOPPING event on (the start of the framework's stop; only synchronous
     * listeners see it); never outside OSGi.
     */
    private static BooleanSupplier frameworkStopping() {
        Bundle host = FrameworkUtil.getBundle(ShutdownAnswers.class);
        BundleContext context = host == null ? null : host.getBundleContext();
        if (context == null) {
            return () -> false;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        context.addBundleListener((SynchronousBundleListener) event -> {
            if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING && !stopping.getAndSet(true)) {
                LOG.info("the framework is stopping: Jetty answers 429 with Retry-After until it stops");
            }
        });
        return stopping::get;
    }

    /** The paths kube-apiserver serves throughout its shutdown (its pathPrefixesExemptFromRetryAfter). */
    static boolean exempt(String path) {
        return path != null && (path.startsWith("/readyz") || path.startsWith("/livez") || path.startsWith("/healthz")
                || path.startsWith("/metrics"));
    }

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server) {
            for (Handler h = server.getHandler(); h != null; h = h instanceof HandlerWrapper w ? w.getHandler() : null) {
                if (h instanceof Answering) {
                    return; // a restart of the same server: already in place
                }
            }
            server.insertHandler(new Answering(stopping));
        }
    }

    @Override
    public void lifeCycleStarted(LifeCycle event) {
        // nothing to do
    }

    @Override
    public void lifeCycleFailure(LifeCycle event, Throwable cause) {
        // nothing to do
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        // nothing to do
    }

    @Override
    public void lifeCycleStopped(LifeCycle event) {
        // nothing to do
    }

    /** The outermost handler: kube's shutdown answer while stopping, else the server's own handlers. */
    static final class Answering extends HandlerWrapper {
        private static final byte[] BODY = "The apiserver is shutting down, please try again later.\n".getBytes(StandardCharsets.UTF_8);
        private final BooleanSupplier stopping;

        Answering(BooleanSupplier stopping) {
            this.stopping = stopping;
        }

        @Override
        public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) throws IOException,
                javax.servlet.ServletException {
            if (!stopping.getAsBoolean() || exempt(target)) {
                super.handle(target, base, request, response);
                return;
            }
            base.setHandled(true);
            response.setStatus(429);
            response.setHeader("Connection", "close");
            response.setHeader("Retry-After", "5");
            response.setContentType("text/plain; charset=utf-8");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
        }
    }
}
