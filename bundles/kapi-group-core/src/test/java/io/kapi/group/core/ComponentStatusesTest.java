package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.StatusException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** componentstatuses as kube's REST answers them, with kube's HTTP check run against real local servers. */
class ComponentStatusesTest {
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthz", x -> {
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, ok.length);
            x.getResponseBody().write(ok);
            x.close();
        });
        server.createContext("/broken", x -> {
            x.sendResponseHeaders(500, -1);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static ListOptions selecting(String labels, String fields) {
        return new ListOptions(labels, fields, 0, null, null, null, false, 0, null);
    }

    @Test
    void eachComponentIsCheckedAsKubeChecksIt() throws Exception {
        int port = server.getAddress().getPort();
        int closed = closedPort();
        ComponentStatuses cs = new ComponentStatuses(Map.of(
                "healthy", ComponentProbe.http("http", "127.0.0.1", port, "/healthz", 5000),
                "refused", ComponentProbe.http("http", "127.0.0.1", closed, "/healthz", 5000),
                "failing", ComponentProbe.http("http", "127.0.0.1", port, "/broken", 5000)));
        ObjectNode list = cs.list(null, ListOptions.NONE);
        assertEquals("ComponentStatusList", list.path("kind").asText());
        List<String> rows = new ArrayList<>();
        list.path("items").forEach(i -> rows.add(String.join(" | ", cs.cells((ObjectNode) i).stream().map(String::valueOf).toList())));
        assertEquals(List.of(
                "failing | Unhealthy | HTTP probe failed with statuscode: 500 | ",
                "healthy | Healthy | ok | ",
                "refused | Unhealthy | Get \"http://127.0.0.1:" + closed + "/healthz\": dial tcp 127.0.0.1:" + closed
                        + ": connect: connection refused | "), rows);
        ObjectNode healthy = cs.get(null, "healthy", null);
        assertEquals("{\"kind\":\"ComponentStatus\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"healthy\",\"creationTimestamp\":null},"
                + "\"conditions\":[{\"type\":\"Healthy\",\"status\":\"True\",\"message\":\"ok\"}]}", healthy.toString());
        assertEquals(List.of("Name", "Status", "Message", "Error"), cs.columns().stream().map(c -> c.name()).toList());
    }

    @Test
    void selectorsAndUnknownNames() throws Exception {
        ComponentStatuses cs = new ComponentStatuses(Map.of(
                "a", () -> new ComponentProbe.Outcome(ComponentProbe.Result.SUCCESS, "ok", ""),
                "b", () -> new ComponentProbe.Outcome(ComponentProbe.Result.FAILURE, "", "down")));
        assertEquals(1, cs.list(null, selecting(null, "metadata.name=b")).path("items").size());
        assertEquals("down", cs.list(null, selecting(null, "metadata.name=b")).at("/items/0/conditions/0/error").asText());
        // componentstatuses have no labels: a label selector selects nothing, as kube's default predicate
        assertEquals(0, cs.list(null, selecting("tier=control", null)).path("items").size());
        StatusException unsupported = assertThrows(StatusException.class, () -> cs.list(null, selecting(null, "spec.x=y")));
        assertEquals(400, unsupported.code());
        StatusException missing = assertThrows(StatusException.class, () -> cs.get(null, "nope", null));
        assertEquals(404, missing.code());
        assertEquals("componentstatuses \"nope\" not found", missing.getMessage());
    }
}
