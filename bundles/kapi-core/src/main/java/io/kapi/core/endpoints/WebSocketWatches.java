package io.kapi.core.endpoints;

import io.kapi.api.rest.StatusException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.servlet.ServletContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.WebSocketListener;
import org.eclipse.jetty.websocket.api.WebSocketPolicy;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.eclipse.jetty.websocket.common.WebSocketRemoteEndpoint;
import org.eclipse.jetty.websocket.common.frames.BinaryFrame;
import org.eclipse.jetty.websocket.common.frames.TextFrame;
import org.eclipse.jetty.websocket.server.WebSocketServerFactory;

/**
 * Watches over WebSocket, as kube-apiserver serves them ({@code handlers/watch.go}, {@code HandleWS}):
 * a watch request that asks for the upgrade (fabric8's {@code watch()} and informers do) gets it, and
 * each event goes out as one message, text for JSON (the frame with its newline), binary for
 * protobuf; the end of the watch closes the connection with status 1000. What the client sends is
 * ignored. As Go's {@code x/net/websocket} handshake: a request without an {@code Origin} is a bare 403,
 * one offered subprotocol is echoed, more than one is a 400 (kube's bearer-token subprotocol is not
 * counted: authentication read it); no extension is negotiated. WebSocket runs over HTTP/1.1 only (Jetty 9.4 has no WebSocket
 * over HTTP/2, and clients open their WebSockets on HTTP/1.1 connections).
 *
 * <p>The upgrade is Jetty's ({@link WebSocketServerFactory}, the servlet API's own upgrade is not
 * implemented by Jetty 9.4); one factory serves the servlet context it was first asked for, until
 * {@link #stop()}.
 */
public final class WebSocketWatches {
    /** The subprotocol prefix of kube's WebSocket bearer token (kapi-security reads the token). */
    static final String BEARER_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

    private static WebSocketServerFactory factory; // guarded by the class
    private static ServletContext context; // guarded by the class

    private WebSocketWatches() {
    }

    /** Whether a request asks for the WebSocket upgrade (Go's {@code wsstream.IsWebSocketRequest}), on HTTP/1.1. */
    static boolean isUpgrade(HttpServletRequest http) {
        if (!"HTTP/1.1".equals(http.getProtocol()) || !"websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
            return false;
        }
        String connection = http.getHeader("Connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).contains("upgrade");
    }

    /**
     * Upgrades the request and serves {@code stream} over it. Returns false when the container cannot
     * upgrade it (not Jetty): the caller then serves the watch as an HTTP stream, unless the response
     * is committed (the handshake was refused: by Jetty, e.g. a missing Sec-WebSocket-Version, or here
     * for a missing Origin).
     */
    static boolean accept(HttpServletRequest http, HttpServletResponse resp, WatchStream stream, boolean binary,
                          long timeoutSeconds, Runnable cleanup) throws java.io.IOException {
        List<String> protocols = new ArrayList<>();
        for (java.util.Enumeration<String> e = http.getHeaders("Sec-WebSocket-Protocol"); e != null && e.hasMoreElements(); ) {
            for (String p : e.nextElement().split(",")) {
                // the subprotocol that carried the bearer token was read by authentication and is not echoed
                if (!p.isBlank() && !p.strip().startsWith(BEARER_PROTOCOL_PREFIX)) {
                    protocols.add(p.strip());
                }
            }
        }
        WebSocketServerFactory f = factory(http.getServletContext());
        if (f == null || !f.isUpgradeRequest(http, resp)) {
            return false;
        }
        if (!hasOrigin(http)) {
            // x/net/websocket's handshake (checkOrigin) refuses a missing or unparsable Origin: a bare 403
            resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
            resp.setContentLength(0);
            resp.flushBuffer();
            return false;
        }
        if (protocols.size() > 1) {
            throw StatusException.badRequest("only one websocket subprotocol may be requested, got " + protocols.size());
        }
        return f.acceptWebSocket((request, response) -> {
            if (protocols.size() == 1) {
                response.setAcceptedSubProtocol(protocols.get(0));
            }
            // accepted: the watch ends (and is cleaned up) at its timeout even if the socket never opens
            stream.expectMessages(timeoutSeconds, cleanup);
            return new Socket(stream, binary);
        }, http, resp);
    }

    /**
     * Whether the request has an {@code Origin} Go's {@code url.ParseRequestURI} accepts: an absolute
     * URI or an absolute path (browsers send {@code null} from opaque origins, which is refused).
     */
    static boolean hasOrigin(HttpServletRequest http) {
        String origin = http.getHeader("Origin");
        if (origin == null || origin.isEmpty()) {
            return false;
        }
        try {
            java.net.URI uri = new java.net.URI(origin);
            return uri.isAbsolute() || origin.startsWith("/");
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static synchronized WebSocketServerFactory factory(ServletContext servletContext) {
        if (factory != null) {
            return context == servletContext ? factory : null;
        }
        try {
            WebSocketPolicy policy = WebSocketPolicy.newServerPolicy();
            // no idle timeout on the socket: the watch's own timeout ends it, as kube's has no other
            policy.setIdleTimeout(0);
            WebSocketServerFactory f = new WebSocketServerFactory(servletContext, policy);
            f.getExtensionFactory().unregister("permessage-deflate");
            f.addBean(WatchThreads.WRITERS, false);
            f.start();
            factory = f;
            context = servletContext;
            return f;
        } catch (Exception | LinkageError e) {
            // not in Jetty: no WebSocket upgrades here
            return null;
        }
    }

    /** Stops the factory (the server is shutting down); open WebSocket watches were ended before. */
    public static synchronized void stop() {
        if (factory != null) {
            try {
                factory.stop();
            } catch (Exception e) {
                // stopping anyway
            }
            factory = null;
            context = null;
        }
    }

    /**
     * One message's payload for a watch frame. The frame is shared between watchers: each send wraps it
     * anew and nothing changes it. A protobuf frame's 4-byte length is the HTTP stream's framing; a
     * message has its own, so a binary message is the bare {@code WatchEvent} (kube's {@code HandleWS}
     * writes the encoder's output to {@code websocketFramer}, with no length-delimiting framer).
     */
    static ByteBuffer payload(byte[] frame, boolean binary) {
        return binary ? ByteBuffer.wrap(frame, 4, frame.length - 4) : ByteBuffer.wrap(frame);
    }

    /** One WebSocket watch: sends the stream's frames, ends the stream when the client goes. */
    private static final class Socket implements WebSocketListener {
        private final WatchStream stream;
        private final boolean binary;

        Socket(WatchStream stream, boolean binary) {
            this.stream = stream;
            this.binary = binary;
        }

        @Override
        public void onWebSocketConnect(Session session) {
            WebSocketRemoteEndpoint remote = (WebSocketRemoteEndpoint) session.getRemote();
            stream.connected(new WatchStream.MessageSink() {
                @Override
                public void send(byte[] message, Runnable written, Runnable failed) {
                    ByteBuffer payload = payload(message, binary);
                    remote.uncheckedSendFrame(binary ? new BinaryFrame().setPayload(payload) : new TextFrame().setPayload(payload),
                            new WriteCallback() {
                                @Override
                                public void writeFailed(Throwable x) {
                                    failed.run();
                                }

                                @Override
                                public void writeSuccess() {
                                    written.run();
                                }
                            });
                }

                @Override
                public void close() {
                    session.close(StatusCode.NORMAL, null);
                }
            });
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            stream.clientGone();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            stream.clientGone();
        }

        @Override
        public void onWebSocketText(String message) {
            // kube reads and ignores what a watch's client sends
        }

        @Override
        public void onWebSocketBinary(byte[] payload, int offset, int len) {
            // ignored, as above
        }
    }
}
