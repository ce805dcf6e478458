package io.kapi.jetty.tuning;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http2.IStream;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's HTTP/2 connections, telling a suspended response (a watch) that its client has gone: a stream the
 * client resets (client-go cancelling a watch), or every stream of a connection that closes or fails. Jetty
 * itself only fails such a stream's pending write, so a quiet watch stayed registered until its timeout (30–60
 * minutes) after its client left. The response is told through its {@link WatchingHttpConnection#CLIENT_GONE}
 * hook, as over HTTP/1.1.
 */
final class WatchingHttp2ConnectionFactory extends HTTP2ServerConnectionFactory {
    WatchingHttp2ConnectionFactory(HttpConfiguration config, String... protocols) {
        super(config, protocols);
    }

    /** The same connections as {@code jetty}'s, with its settings. */
    static WatchingHttp2ConnectionFactory replacing(HTTP2ServerConnectionFactory jetty) {
        WatchingHttp2ConnectionFactory f = new WatchingHttp2ConnectionFactory(jetty.getHttpConfiguration(),
                jetty.getProtocols().toArray(new String[0]));
        f.setInputBufferSize(jetty.getInputBufferSize());
        f.setMaxEncoderTableCapacity(jetty.getMaxEncoderTableCapacity());
        f.setMaxDecoderTableCapacity(jetty.getMaxDecoderTableCapacity());
        f.setInitialSessionRecvWindow(jetty.getInitialSessionRecvWindow());
        f.setInitialStreamRecvWindow(jetty.getInitialStreamRecvWindow());
        f.setMaxConcurrentStreams(jetty.getMaxConcurrentStreams());
        f.setMaxHeaderBlockFragment(jetty.getMaxHeaderBlockFragment());
        f.setFlowControlStrategyFactory(jetty.getFlowControlStrategyFactory());
        f.setStreamIdleTimeout(jetty.getStreamIdleTimeout());
        f.setMaxFrameLength(jetty.getMaxFrameLength());
        f.setMaxSettingsKeys(jetty.getMaxSettingsKeys());
        f.setRateControlFactory(jetty.getRateControlFactory());
        return f;
    }

    @Override
    protected ServerSessionListener newSessionListener(Connector connector, EndPoint endPoint) {
        return new HTTPServerSessionListener(connector, endPoint) {
            @Override
            public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                Runnable gone = hook(stream);
                super.onReset(stream, frame, callback);
                run(gone);
            }

            @Override
            public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
                Runnable gone = hook(stream);
                super.onFailure(stream, error, reason, failure, callback);
                run(gone);
            }

            @Override
            public void onClose(Session session, GoAwayFrame frame, Callback callback) {
                List<Runnable> gone = hooks(session);
                super.onClose(session, frame, callback);
                gone.forEach(WatchingHttp2ConnectionFactory::run);
            }

            @Override
            public void onFailure(Session session, Throwable failure, Callback callback) {
                List<Runnable> gone = hooks(session);
                super.onFailure(session, failure, callback);
                gone.forEach(WatchingHttp2ConnectionFactory::run);
            }
        };
    }

    private static List<Runnable> hooks(Session session) {
        List<Runnable> hooks = new ArrayList<>();
        for (Stream stream : session.getStreams()) {
            Runnable hook = hook(stream);
            if (hook != null) {
                hooks.add(hook);
            }
        }
        return hooks;
    }

    /** The client-gone hook of the response on {@code stream}, if it has one. */
    private static Runnable hook(Stream stream) {
        Object attachment = stream instanceof IStream s ? s.getAttachment() : null;
        if (attachment instanceof HttpChannel channel && channel.getRequest().getAttribute(WatchingHttpConnection.CLIENT_GONE) instanceof Runnable r) {
            return r;
        }
        return null;
    }

    private static void run(Runnable hook) {
        if (hook != null) {
            hook.run();
        }
    }
}
