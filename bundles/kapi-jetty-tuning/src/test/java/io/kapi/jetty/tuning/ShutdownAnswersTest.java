package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real Jetty server whose own handler answers 200, as Kapi's servlet would, and then 404, as Pax Web does once it left. */
class ShutdownAnswersTest {
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean servletGone = new AtomicBoolean();
    private Server server;

    private int start() throws Exception {
        server = new Server();
        server.addLifeCycleListener(new ShutdownAnswers(stopping::get));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response) throws IOException {
                base.setHandled(true);
                response.setStatus(servletGone.get() ? 404 : 200);
                response.getOutputStream().write((servletGone.get() ? "gone" : "served " + target).getBytes(StandardCharsets.US_ASCII));
            }
        });
        server.start();
        return connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void onceTheFrameworkStopsEveryRequestButProbesGetKubesShutdownAnswer() throws Exception {
        int port = start();
        assertTrue(get(port, "/api/v1/pods").startsWith("HTTP/1.1 200 "), "served as usual until the framework stops");
        stopping.set(true);
        servletGone.set(true);
        String answer = get(port, "/api/v1/namespaces/default/configmaps?watch=1");
        assertTrue(answer.startsWith("HTTP/1.1 429 "), answer);
        assertTrue(answer.contains("\r\nRetry-After: 5\r\n"), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\nThe apiserver is shutting down, please try again later.\n"), answer);
        assertTrue(get(port, "/readyz").startsWith("HTTP/1.1 404 "), "probes still reach what is left");
    }

    @Test
    void aRestartedServerIsWrappedOnce() throws Exception {
        start();
        server.stop();
        server.start();
        int wrappers = 0;
        for (org.eclipse.jetty.server.Handler h = server.getHandler(); h != null;
             h = h instanceof org.eclipse.jetty.server.handler.HandlerWrapper w ? w.getHandler() : null) {
            wrappers += h instanceof ShutdownAnswers.Answering ? 1 : 0;
        }
        assertEquals(1, wrappers);
    }
}
