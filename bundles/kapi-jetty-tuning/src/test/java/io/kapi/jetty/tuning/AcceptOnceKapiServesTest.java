package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real Jetty server set up as Pax Web sets it up: connectors first, contexts and servlets added while it runs. */
class AcceptOnceKapiServesTest {
    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private ServletContextHandler start(AcceptOnceKapiServes listener) throws Exception {
        server = new Server();
        server.addEventListener(listener);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        server.start();
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        contexts.addHandler(context);
        context.start();
        return context;
    }

    private int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static ServletHolder servlet(String name, String answer) {
        ServletHolder holder = new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            }
        });
        holder.setName(name);
        return holder;
    }

    /** The answer to a GET, or null when none came within {@code millis} (the connection not accepted). */
    private static String get(int port, int millis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(millis);
            s.getOutputStream().write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException notAccepted) {
                return null;
            }
        }
    }

    @Test
    void connectionsWaitForKapisServletThenAreServed() throws Exception {
        ServletContextHandler context = start(new AcceptOnceKapiServes(60));
        context.addServlet(servlet("other", "another servlet"), "/other/*");
        assertEquals(null, get(port(), 500), "the port is bound, but nothing is accepted before Kapi's servlet");
        try (Socket waiting = new Socket("127.0.0.1", port())) {
            waiting.setSoTimeout(10_000);
            waiting.getOutputStream().write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            context.addServlet(servlet(AcceptOnceKapiServes.SERVLET, "kapi"), "/*");
            String answer = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("kapi"), "a connection queued meanwhile is served: " + answer);
        }
        assertTrue(get(port(), 5_000).endsWith("kapi"));
    }

    @Test
    void withoutKapiTheConnectorAcceptsAfterTheFailSafe() throws Exception {
        start(new AcceptOnceKapiServes(1));
        String answer = get(port(), 10_000);
        assertTrue(answer != null && answer.startsWith("HTTP/1.1 404 "), "health checks of a Kapi that cannot start still answer: " + answer);
    }

    @Test
    void aConnectorAddedWhenKapiIsAlreadyServedAcceptsAtOnce() throws Exception {
        ServletContextHandler context = start(new AcceptOnceKapiServes(60));
        context.addServlet(servlet(AcceptOnceKapiServes.SERVLET, "kapi"), "/*");
        ServerConnector second = new ServerConnector(server);
        second.setHost("127.0.0.1");
        server.addConnector(second); // on a running server: added, not started
        second.start();
        assertTrue(AcceptOnceKapiServes.servesKapi(server));
        assertTrue(second.isAccepting());
        try (Socket s = new Socket("127.0.0.1", second.getLocalPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).endsWith("kapi"));
        }
    }
}
