package io.kapi.jetty.tuning;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty and raw sockets, for the tests that look at what goes on the wire. */
final class WireTests {
    private WireTests() {
    }

    /** A started Jetty on loopback serving {@code handler}, with Kapi's HTTP/1.1 connections or with Jetty's own. */
    static Server start(boolean kapiConnections, long idleTimeoutMillis, Handler handler) throws Exception {
        Server server = new Server();
        if (kapiConnections) {
            server.addEventListener(new EagerChunking());
        }
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(idleTimeoutMillis);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** What arrives until it ends with {@code end}, within {@code millis}, or until the server closes the connection. */
    static String readUntil(Socket s, String end, long millis) throws IOException {
        StringBuilder got = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        byte[] buf = new byte[4096];
        InputStream in = s.getInputStream();
        while ((end == null || !got.toString().endsWith(end)) && System.nanoTime() < deadline) {
            s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            } catch (SocketTimeoutException e) {
                break;
            }
        }
        return got.toString();
    }

    /** Everything that arrives within {@code millis}, or until the server closes the connection. */
    static String readFor(Socket s, long millis) throws IOException {
        return readUntil(s, null, millis);
    }
}
