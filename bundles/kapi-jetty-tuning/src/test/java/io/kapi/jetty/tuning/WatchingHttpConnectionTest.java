package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty server and raw sockets: a suspended (asynchronous) response that writes nothing, as a watch of a
 * quiet resource, learns that its client went away.
 */
class WatchingHttpConnectionTest {
    private Server server;
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(16);
    private final BlockingQueue<AsyncContext> waiting = new ArrayBlockingQueue<>(16);
    /** The client socket that sends its next request while a response completes, if any. */
    private volatile Socket clientDuringCompletion;
    /** Per such completion: whether the connection read bytes of the next request meanwhile. */
    private final BlockingQueue<Boolean> readWhileCompleting = new ArrayBlockingQueue<>(16);

    /**
     * Each request: headers sent, then suspended with no timeout; what its AsyncListener and its client-gone hook
     * hear goes to {@link #events}.
     */
    private int start(boolean watching, long idleTimeoutMillis) throws Exception {
        server = WireTests.start(watching, idleTimeoutMillis, new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) throws IOException {
                base.setHandled(true);
                response.setContentType("application/json");
                response.flushBuffer();
                org.eclipse.jetty.io.Connection connection = base.getHttpChannel().getEndPoint().getConnection();
                AsyncContext async = request.startAsync();
                async.setTimeout(0);
                async.addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        Socket client = clientDuringCompletion;
                        if (client != null) {
                            // the client's next request arrives while the response completes (its listeners run);
                            // then whether anything of it was read before the connection finished with this response.
                            // Jetty may finish it on another thread while these listeners still run (the response's last
                            // write completing there): a read after that, once the channel is recycled (idle, or on to
                            // the next request), is the connection reading its next request as it should.
                            org.eclipse.jetty.server.HttpChannel channel = base.getHttpChannel();
                            long requests = channel.getRequests();
                            try {
                                client.getOutputStream().write(("GET /watch/next HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "User-Agent: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            pause(200);
                            boolean read = !((WatchingHttpConnection) connection).isRequestBufferEmpty();
                            boolean finished = channel.getState().isIdle() || channel.getRequests() != requests;
                            readWhileCompleting.add(read && !finished);
                        }
                        events.add("complete");
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                        events.add("timeout");
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        events.add("error " + event.getThrowable().getClass().getSimpleName());
                        event.getAsyncContext().complete(); // as the watch stream does
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
                request.setAttribute(WatchingHttpConnection.CLIENT_GONE, (Runnable) () -> {
                    events.add("gone");
                    async.complete(); // as the watch stream does
                });
                waiting.add(async);
            }
        });
        return WireTests.port(server);
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private static Socket watch(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /watch HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** A watch whose headers arrived, then its client hanging up. */
    private void watchAndHangUp(boolean kapiConnections) throws Exception {
        Socket s = watch(start(kapiConnections, 30_000));
        assertTrue(WireTests.readFor(s, 300).startsWith("HTTP/1.1 200 "));
        s.close();
    }

    @Test
    void jettyAloneNeverHearsOfAClientThatLeftAQuietResponse() throws Exception {
        watchAndHangUp(false);
        assertEquals(null, events.poll(1, TimeUnit.SECONDS), "what this class is here to change");
        waiting.take().complete();
    }

    @Test
    void aClientClosingItsConnectionEndsTheSuspendedResponseAtOnce() throws Exception {
        watchAndHangUp(true);
        assertEquals("gone", events.poll(5, TimeUnit.SECONDS));
        assertEquals("complete", events.poll(5, TimeUnit.SECONDS));
        assertEquals(null, events.poll(500, TimeUnit.MILLISECONDS), "told once");
    }

    @Test
    void aQuietResponseOutlivesTheIdleTimeoutAndTheConnectionServesTheNextRequest() throws Exception {
        int port = start(true, 300);
        try (Socket s = watch(port)) {
            assertTrue(WireTests.readFor(s, 200).startsWith("HTTP/1.1 200 "));
            assertEquals(null, events.poll(1200, TimeUnit.MILLISECONDS), "four idle timeouts passed without an end");
            AsyncContext first = waiting.take();
            first.getResponse().getOutputStream().write("late\n".getBytes(StandardCharsets.US_ASCII));
            first.complete();
            assertEquals("complete", events.poll(5, TimeUnit.SECONDS));
            assertEquals("5\r\nlate\n\r\n0\r\n\r\n", WireTests.readUntil(s, "0\r\n\r\n", 2000));
            // the same connection takes the next request (sent at once: an idle connection is closed after 300 ms)
            s.getOutputStream().write("GET /watch HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(WireTests.readUntil(s, "\r\n\r\n", 2000).startsWith("HTTP/1.1 200 "));
            assertFalse(waiting.poll(2, TimeUnit.SECONDS) == null, "the second request was handled");
        }
    }

    @Test
    void aPipelinedRequestWaitsForTheResponseWithoutSpinning() throws Exception {
        int port = start(true, 30_000);
        try (Socket s = watch(port)) {
            assertTrue(WireTests.readFor(s, 300).startsWith("HTTP/1.1 200 "));
            s.getOutputStream().write("GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write("GET /more HTTP/1.1\r\nHost: 127.0.0".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);
            long cpu0 = cpuNanos();
            Thread.sleep(500);
            long used = cpuNanos() - cpu0;
            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(250), "the server spun on the unread bytes: " + used / 1_000_000 + " ms of CPU in 500 ms");
            assertEquals(null, events.poll(), "the first response is still suspended");
            waiting.take().complete();
            assertEquals("complete", events.poll(5, TimeUnit.SECONDS));
            s.getOutputStream().write(".1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertFalse(waiting.poll(5, TimeUnit.SECONDS) == null, "the pipelined request was handled after the first");
        }
    }

    /**
     * The client's next request sent the moment the previous response's last bytes arrived, while that response is
     * still being completed on another thread (the read interest it asked for while suspended fires then): the
     * request is read once the connection has finished with the previous one (recycled its channel), and answered.
     * Read at once, it raced the connection's recycling of its parser and buffer, which answered such a request 400
     * "No Host" now and then; before the fix about every other round's request was read early here, now about one in
     * a hundred is (by a path not found yet), so the test allows a quarter of the rounds and checks every answer.
     */
    @Test
    void aRequestSentAsThePreviousResponseCompletesIsReadAfterIt() throws Exception {
        int port = start(true, 30_000);
        try (Socket s = watch(port)) {
            assertTrue(WireTests.readUntil(s, "\r\n\r\n", 5000).startsWith("HTTP/1.1 200 "));
            clientDuringCompletion = s;
            List<Integer> readEarly = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                waiting.take().complete();
                Boolean early = readWhileCompleting.poll(5, TimeUnit.SECONDS);
                assertTrue(early != null, "round " + i + ": the next request was sent while completing");
                if (early) {
                    readEarly.add(i);
                }
                assertEquals("complete", events.poll(5, TimeUnit.SECONDS), "round " + i);
                // the last chunk, then the next response's headers (both end with an empty line; one read may get both)
                String got = WireTests.readUntil(s, "\r\n\r\n", 5000);
                if (!got.contains("HTTP/1.1")) {
                    got += WireTests.readUntil(s, "\r\n\r\n", 5000);
                }
                assertTrue(got.startsWith("0\r\n\r\nHTTP/1.1 200 "), "round " + i + ": " + got);
            }
            clientDuringCompletion = null;
            // before the fix about every other round's request was read early; now and then one still is (about one
            // round in a hundred here, by a path not found yet), and it is answered 200 all the same
            assertTrue(readEarly.size() <= ROUNDS / 4, "rounds whose next request was read while completing: " + readEarly);
        }
    }

    private static final int ROUNDS = 20;

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
