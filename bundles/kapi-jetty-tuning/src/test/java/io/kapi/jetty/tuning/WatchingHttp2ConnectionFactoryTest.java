package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FuturePromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty speaking HTTP/2 (clear text, prior knowledge) and Jetty's HTTP/2 client: a suspended response that
 * writes nothing, as a watch of a quiet resource, learns that its client reset its stream or went away.
 */
class WatchingHttp2ConnectionFactoryTest {
    private Server server;
    private final HTTP2Client client = new HTTP2Client();
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(16);

    private int start(boolean watching) throws Exception {
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config, "h2c");
        h2.setMaxConcurrentStreams(7);
        ServerConnector connector = new ServerConnector(server, watching ? WatchingHttp2ConnectionFactory.replacing(h2) : h2);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) throws IOException {
                base.setHandled(true);
                response.setContentType("application/json");
                response.flushBuffer();
                AsyncContext async = request.startAsync();
                async.setTimeout(0);
                request.setAttribute(WatchingHttpConnection.CLIENT_GONE, (Runnable) () -> {
                    events.add("gone " + request.getRequestURI());
                    async.complete();
                });
            }
        });
        server.start();
        client.start();
        return connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        if (server != null) {
            server.stop();
        }
    }

    private Session connect(int port) throws Exception {
        FuturePromise<Session> session = new FuturePromise<>();
        client.connect(new InetSocketAddress("127.0.0.1", port), new ServerSessionListener.Adapter(), session);
        return session.get(5, TimeUnit.SECONDS);
    }

    /** A watch whose response headers arrived. */
    private static Stream watch(Session session, int port, String path) throws Exception {
        MetaData.Request get = new MetaData.Request("GET", HttpScheme.HTTP, new HostPortHttpField("127.0.0.1:" + port), path,
                HttpVersion.HTTP_2, new HttpFields());
        CountDownLatch headers = new CountDownLatch(1);
        FuturePromise<Stream> stream = new FuturePromise<>();
        session.newStream(new HeadersFrame(get, null, true), stream, new Stream.Listener.Adapter() {
            @Override
            public void onHeaders(Stream s, HeadersFrame frame) {
                headers.countDown();
            }
        });
        Stream s = stream.get(5, TimeUnit.SECONDS);
        assertTrue(headers.await(5, TimeUnit.SECONDS));
        return s;
    }

    @Test
    void aResetStreamEndsItsResponseAndOnlyIts() throws Exception {
        int port = start(true);
        Session session = connect(port);
        Stream first = watch(session, port, "/first");
        watch(session, port, "/second");
        first.reset(new ResetFrame(first.getId(), ErrorCode.CANCEL_STREAM_ERROR.code), Callback.NOOP);
        assertEquals("gone /first", events.poll(5, TimeUnit.SECONDS));
        assertEquals(null, events.poll(500, TimeUnit.MILLISECONDS), "the other stream goes on");
    }

    @Test
    void aClientThatGoesAwayEndsEveryResponseOfItsConnection() throws Exception {
        int port = start(true);
        Session session = connect(port);
        watch(session, port, "/a");
        watch(session, port, "/b");
        client.stop(); // the connection closes without a GOAWAY
        String one = events.poll(5, TimeUnit.SECONDS);
        String two = events.poll(5, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("gone /a", "gone /b"), java.util.Set.of(String.valueOf(one), String.valueOf(two)));
    }

    @Test
    void jettyAloneNeverTellsTheResponse() throws Exception {
        int port = start(false);
        Session session = connect(port);
        Stream s = watch(session, port, "/a");
        s.reset(new ResetFrame(s.getId(), ErrorCode.CANCEL_STREAM_ERROR.code), Callback.NOOP);
        client.stop();
        assertEquals(null, events.poll(1, TimeUnit.SECONDS), "what this class is here to change");
    }

    @Test
    void aConnectorAsPaxWebMakesItGetsBothOfKapisFactories() throws Exception {
        server = new Server();
        server.addEventListener(new EagerChunking());
        HttpConfiguration config = new HttpConfiguration();
        // HTTP/2 before HTTP/1.1, as Pax Web adds them (replacing one while going through them failed then)
        ServerConnector connector = new ServerConnector(server, new HTTP2ServerConnectionFactory(config), new HttpConnectionFactory(config));
        server.addConnector(connector);
        assertTrue(connector.getConnectionFactory("h2") instanceof WatchingHttp2ConnectionFactory);
        assertTrue(connector.getConnectionFactory("http/1.1") instanceof EagerChunkConnectionFactory);
    }

    @Test
    void theSettingsOfJettysFactoryAreKept() {
        HTTP2ServerConnectionFactory jetty = new HTTP2ServerConnectionFactory(new HttpConfiguration(), "h2");
        jetty.setMaxConcurrentStreams(100);
        jetty.setInitialStreamRecvWindow(123_456);
        jetty.setStreamIdleTimeout(4321);
        WatchingHttp2ConnectionFactory ours = WatchingHttp2ConnectionFactory.replacing(jetty);
        assertEquals(java.util.List.of("h2"), ours.getProtocols());
        assertEquals(100, ours.getMaxConcurrentStreams());
        assertEquals(123_456, ours.getInitialStreamRecvWindow());
        assertEquals(4321, ours.getStreamIdleTimeout());
        assertTrue(ours.getHttpConfiguration() == jetty.getHttpConfiguration());
    }
}
