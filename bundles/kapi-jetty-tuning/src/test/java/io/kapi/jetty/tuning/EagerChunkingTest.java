package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.servlet.ServletOutputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty server and a raw socket: what goes on the wire for a streamed (chunked) HTTP/1.1 response
 * whose writer waits between writes, as a watch does.
 */
class EagerChunkingTest {
    private Server server;
    private final CountDownLatch release = new CountDownLatch(1);

    /** Writes "event-1\n" and flushes, waits for the test, then "event-2\n", "event-3\n" in one flush, and ends. */
    private int start(boolean eager) throws Exception {
        server = WireTests.start(eager, 30_000, new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) throws IOException {
                base.setHandled(true);
                response.setContentType("application/json");
                ServletOutputStream out = response.getOutputStream();
                out.write("event-1\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (request.getParameter("wait") != null) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                out.write("event-2\n".getBytes(StandardCharsets.US_ASCII));
                out.write("event-3\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
        return WireTests.port(server);
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        server.stop();
    }

    private static String request(String query) {
        return "GET /watch" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void http11IsReplacedWhereverItStandsAmongTheConnectorsFactories() {
        server = new Server();
        server.addEventListener(new EagerChunking());
        // HTTP/1.1 before another factory: replacing it while going through them threw ConcurrentModificationException
        org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server,
                new org.eclipse.jetty.server.HttpConnectionFactory(), new org.eclipse.jetty.server.ProxyConnectionFactory());
        server.addConnector(c);
        assertTrue(c.getConnectionFactory("http/1.1") instanceof EagerChunkConnectionFactory);
        assertEquals(2, c.getConnectionFactories().size());
    }

    @Test
    void jettyAloneHoldsAChunksCrlfBackUntilTheNextChunk() throws Exception {
        int port = start(false);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request("?wait=1").getBytes(StandardCharsets.US_ASCII));
            assertEquals("8\r\nevent-1\n", body(WireTests.readFor(s, 500)), "what this class is here to change");
        }
    }

    @Test
    void aChunkIsClosedAsItIsWrittenAndTheStreamStaysValid() throws Exception {
        int port = start(true);
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(request("?wait=1").getBytes(StandardCharsets.US_ASCII));
            String first = WireTests.readFor(s, 500);
            assertTrue(first.startsWith("HTTP/1.1 200 "), first);
            assertTrue(first.contains("Transfer-Encoding: chunked\r\n"), first);
            assertEquals("8\r\nevent-1\n\r\n", body(first), "the whole chunk while the server waits");
            release.countDown();
            String rest = WireTests.readFor(s, 500);
            assertEquals("10\r\nevent-2\nevent-3\n\r\n0\r\n\r\n", rest, "no CRLF twice, then the last chunk");
            // the connection is kept and the next response is as valid
            out.write(request("").getBytes(StandardCharsets.US_ASCII));
            String second = WireTests.readFor(s, 500);
            assertEquals("8\r\nevent-1\n\r\n10\r\nevent-2\nevent-3\n\r\n0\r\n\r\n", body(second));
        }
    }
}
