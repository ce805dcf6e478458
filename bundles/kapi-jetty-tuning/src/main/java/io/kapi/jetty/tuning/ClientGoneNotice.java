package io.kapi.jetty.tuning;

import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.component.Container;

/**
 * Tells a suspended response that its client has gone when Jetty learns it from the protocol: over HTTP/2 a
 * stream the client resets, or a connection it closes, fails the stream's channel at once (the session reads
 * every frame). Jetty then wakes the suspended request with the error and, as the response is committed,
 * only aborts it and cancels its timeout: the servlet is never told, and a quiet watch stayed registered,
 * with its store watch and memory, until its 30 to 60 minute timeout. Kube's Go server cancels the request.
 *
 * <p>A connector's {@link HttpChannel.Listener} beans hear of every aborted response; this one runs the
 * {@link WatchingHttpConnection#CLIENT_GONE} hook of the request, which ends the watch. Added to each
 * connector Pax Web creates, before it starts, by this fragment's {@code jetty.xml}. (HTTP/1.1 connections
 * are not read while a response waits; {@link WatchingHttpConnection} watches those.)
 */
public final class ClientGoneNotice implements Container.Listener {
    /** The listener a connector notifies; stateless, one for all connectors. */
    static final HttpChannel.Listener ON_ABORT = new HttpChannel.Listener() {
        @Override
        public void onResponseFailure(Request request, Throwable failure) {
            tell(request);
        }
    };

    /** Runs the request's {@link WatchingHttpConnection#CLIENT_GONE} hook, if its response set one. */
    static void tell(Request request) {
        Object hook = request.getAttribute(WatchingHttpConnection.CLIENT_GONE);
        if (hook instanceof Runnable clientGone) {
            clientGone.run();
        }
    }

    @Override
    public void beanAdded(Container parent, Object child) {
        if (child instanceof AbstractConnector connector && !connector.isRunning()) {
            connector.addBean(ON_ABORT);
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child) {
        // nothing to undo: the connector goes with its listener
    }
}
