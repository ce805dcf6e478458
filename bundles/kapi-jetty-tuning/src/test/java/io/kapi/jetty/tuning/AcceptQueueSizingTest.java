package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceptQueueSizingTest {
    @TempDir
    Path dir;

    @Test
    void goesSizeIsTheSystemsSomaxconnCapped() throws Exception {
        Path somaxconn = dir.resolve("somaxconn");
        Files.writeString(somaxconn, "4096\n");
        assertEquals(4096, AcceptQueueSizing.size(null, somaxconn));
        Files.writeString(somaxconn, "200000\n");
        assertEquals(65535, AcceptQueueSizing.size("", somaxconn));
        assertEquals(128, AcceptQueueSizing.size(null, dir.resolve("missing")));
        assertEquals(1000, AcceptQueueSizing.size("1000", somaxconn), "configured");
        assertEquals(65535, AcceptQueueSizing.size("lots", somaxconn), "not a number: the system's");
    }

    /** The real /proc file, whose reported size is not its length, read whole (as cat reads it). */
    @Test
    void theSystemsValueIsReadWhole() throws Exception {
        Process cat = new ProcessBuilder("cat", "/proc/sys/net/core/somaxconn").redirectErrorStream(true).start();
        String value = new String(cat.getInputStream().readAllBytes()).trim();
        assertEquals(0, cat.waitFor(), value);
        assertEquals(Math.min(Integer.parseInt(value), 65535), AcceptQueueSizing.size(null, AcceptQueueSizing.SOMAXCONN));
    }

    @Test
    void connectorsAddedToTheServerGetItUnlessTheyHaveTheirOwn() throws Exception {
        Server server = new Server();
        server.addEventListener(new AcceptQueueSizing(777));
        ServerConnector plain = new ServerConnector(server);
        server.addConnector(plain);
        ServerConnector own = new ServerConnector(server);
        own.setAcceptQueueSize(5);
        server.addConnector(own);
        assertEquals(777, plain.getAcceptQueueSize());
        assertEquals(5, own.getAcceptQueueSize());
    }

    @Test
    void theListenBacklogIsWhatTheKernelGets() throws Exception {
        Server server = new Server();
        server.addEventListener(new AcceptQueueSizing(321));
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.start();
        try {
            int port = c.getLocalPort();
            // ss shows a listening socket's backlog as its Send-Q
            Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes()).trim();
            ss.waitFor();
            String[] cols = out.split("\\s+");
            assertEquals("321", cols[2], out);
        } finally {
            server.stop();
        }
    }
}
