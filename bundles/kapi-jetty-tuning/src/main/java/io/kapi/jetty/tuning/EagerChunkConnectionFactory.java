package io.kapi.jetty.tuning;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/** Jetty's HTTP/1.1 connections, each a {@link WatchingHttpConnection} with an {@link EagerChunkGenerator}. */
final class EagerChunkConnectionFactory extends HttpConnectionFactory {
    EagerChunkConnectionFactory(HttpConfiguration config, HttpCompliance compliance) {
        super(config, compliance);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        WatchingHttpConnection connection = new WatchingHttpConnection(getHttpConfiguration(), connector, endPoint, getHttpCompliance(),
                isRecordHttpComplianceViolations()) {
            @Override
            protected HttpGenerator newHttpGenerator() {
                HttpConfiguration config = getHttpConfiguration();
                return new EagerChunkGenerator(config.getSendServerVersion(), config.getSendXPoweredBy());
            }
        };
        return configure(connection, connector, endPoint);
    }
}
