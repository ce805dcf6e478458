package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;

/** The check is turned off on connectors added after the listener, as Pax Web adds its HTTPS connector. */
class SniHostCheckOffTest {

    private static SecureRequestCustomizer httpsConnector(Server server) {
        HttpConfiguration https = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        https.addCustomizer(secure);
        server.addConnector(new ServerConnector(server, new SslConnectionFactory(new SslContextFactory.Server(), "http/1.1"),
                new HttpConnectionFactory(https)));
        return secure;
    }

    @Test
    void anHttpsConnectorAddedToTheServerServesAnyHost() {
        Server server = new Server();
        assertTrue(httpsConnector(server).isSniHostCheck(), "Jetty's default, which this listener changes");
        server.addEventListener(new SniHostCheckOff());
        assertFalse(httpsConnector(server).isSniHostCheck());
    }
}
