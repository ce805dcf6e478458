package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.FuturePromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty speaking HTTP/2 (cleartext) and Jetty's HTTP/2 client: a suspended response with a committed
 * header (as a quiet watch is) learns that its client reset the stream or closed the connection.
 */
class ClientGoneNoticeTest {
    private Server server;
    private HTTP2Client client;
    /** Suspended responses answered with their headers so far. */
    private final AtomicInteger suspended = new AtomicInteger();
    /** Counted down once per suspended response whose client-gone hook ran. */
    private volatile CountDownLatch gone;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aStreamTheClientResetsIsToldAtOnce() throws Exception {
        assertTrue(resetIsTold(true, 10), "the suspended response was not told of the reset");
    }

    @Test
    void everyStreamOfAClosedConnectionIsTold() throws Exception {
        start(true);
        gone = new CountDownLatch(10);
        Session session = connect();
        open(session, 10);
        // the client's process ending: its socket closes without a GOAWAY
        ((HTTP2Session) session).getEndPoint().close();
        assertTrue(gone.await(10, TimeUnit.SECONDS), (10 - gone.getCount()) + " of 10 suspended responses told");
    }

    @Test
    void jettyAloneNeverTellsTheSuspendedResponse() throws Exception {
        // the gap this notice closes: without it the reset aborts the response and nothing more
        assertFalse(resetIsTold(false, 1), "Jetty told the response by itself");
    }

    /** Whether a suspended response learns, within {@code seconds}, that its client reset its stream. */
    private boolean resetIsTold(boolean notice, long seconds) throws Exception {
        start(notice);
        gone = new CountDownLatch(1);
        Stream stream = open(connect(), 1).get(0);
        stream.reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code), org.eclipse.jetty.util.Callback.NOOP);
        return gone.await(seconds, TimeUnit.SECONDS);
    }

    private void start(boolean notice) throws Exception {
        server = new Server();
        if (notice) {
            server.addEventListener(new ClientGoneNotice());
        }
        ServerConnector connector = new ServerConnector(server, new HTTP2CServerConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws java.io.IOException {
                base.setHandled(true);
                response.setStatus(200);
                response.flushBuffer(); // committed, as a watch's headers are
                request.startAsync().setTimeout(0);
                request.setAttribute(WatchingHttpConnection.CLIENT_GONE, (Runnable) () -> gone.countDown());
                suspended.incrementAndGet();
            }
        });
        server.start();
        client = new HTTP2Client();
        client.start();
    }

    private Session connect() throws Exception {
        FuturePromise<Session> promise = new FuturePromise<>();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener.Adapter(), promise);
        return promise.get(5, TimeUnit.SECONDS);
    }

    /** Opens {@code n} GET streams and waits until the server has suspended each with its headers sent. */
    private List<Stream> open(Session session, int n) throws Exception {
        List<Stream> streams = new ArrayList<>();
        CountDownLatch headers = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            MetaData.Request get = new MetaData.Request("GET", new HttpURI("http://127.0.0.1/watch/" + i),
                    HttpVersion.HTTP_2, new HttpFields());
            FuturePromise<Stream> promise = new FuturePromise<>();
            session.newStream(new HeadersFrame(get, null, true), promise, new Stream.Listener.Adapter() {
                @Override
                public void onHeaders(Stream stream, HeadersFrame frame) {
                    headers.countDown();
                }
            });
            streams.add(promise.get(5, TimeUnit.SECONDS));
        }
        assertTrue(headers.await(10, TimeUnit.SECONDS), "not every response's headers arrived");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (suspended.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, suspended.get(), "responses suspended");
        return streams;
    }
}
