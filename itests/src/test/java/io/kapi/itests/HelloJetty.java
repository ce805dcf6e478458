package io.kapi.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's own hello world over HTTPS (the same Jetty as Kapi's, 9.4), run in a JVM of its own by
 * {@link CpuPerRequestBenchmark}: the HTTP and TLS ceiling of this machine, with no servlet, filter or
 * JSON on the way. Arguments: port, PKCS12 key store, its password.
 */
public final class HelloJetty {
    private static final byte[] HELLO = "{\"kind\":\"Hello\",\"apiVersion\":\"v1\",\"message\":\"hello\"}"
            .getBytes(StandardCharsets.UTF_8);

    private HelloJetty() {
    }

    public static void main(String[] args) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(args[1]);
        tls.setKeyStorePassword(args[2]);
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setStatus(200);
                response.setContentType("application/json");
                response.setContentLength(HELLO.length);
                response.getOutputStream().write(HELLO);
                base.setHandled(true);
            }
        });
        server.start();
        System.out.println("serving");
        server.join();
    }
}
