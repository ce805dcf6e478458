package io.kapi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.RequestInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {
    private static final RequestInfo LIST_LEASES = new RequestInfo(true, "/apis/coordination.k8s.io/v1/namespaces/ns/leases", "list",
            "apis", "coordination.k8s.io", "v1", "ns", "leases", "", "", List.of());

    private static ApiRequest request() {
        HttpServletRequest http = (HttpServletRequest) Proxy.newProxyInstance(RequestMetricsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> m.getName().equals("getMethod") ? "GET" : null);
        return new ApiRequest(http, LIST_LEASES, null);
    }

    /** A response whose status and committed flag are what the test sets. */
    private static HttpServletResponse response(int status, boolean committed) {
        return (HttpServletResponse) Proxy.newProxyInstance(RequestMetricsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> switch (m.getName()) {
                    case "getStatus" -> status;
                    case "isCommitted" -> committed;
                    default -> null;
                });
    }

    private static double lists(KapiMetrics metrics, String code) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        String prefix = "apiserver_request_total{";
        return out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith(prefix) && l.contains("verb=\"LIST\"") && l.contains("resource=\"leases\"")
                        && l.contains("scope=\"namespace\"") && l.contains("code=\"" + code + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static KapiMetrics metrics() {
        KapiMetrics.State nothing = new KapiMetrics.State() {
            @Override
            public List<KapiMetrics.Watching> watches() {
                return List.of();
            }

            @Override
            public List<Object[]> storageObjects() {
                return List.of();
            }

            @Override
            public int inFlight(boolean mutating) {
                return 0;
            }

            @Override
            public long generation() {
                return 0;
            }

            @Override
            public List<Object[]> servedGroups() {
                return List.of();
            }
        };
        return new KapiMetrics(() -> nothing, info -> true);
    }

    @Test
    void aFailureAfterTheAnswerWasCommittedCountsTheCodeTheClientSaw() throws Exception {
        KapiMetrics metrics = metrics();
        RequestMetrics filter = new RequestMetrics(metrics);
        assertThrows(IOException.class, () -> filter.filter(request(), response(200, true), (r, s) -> {
            throw new IOException("client hung up during the last flush");
        }));
        assertEquals(1.0, lists(metrics, "200"));
        assertEquals(0.0, lists(metrics, "500"));
    }

    @Test
    void aFailureBeforeAnyAnswerIsA500AndARefusalItsOwnCode() throws Exception {
        KapiMetrics metrics = metrics();
        RequestMetrics filter = new RequestMetrics(metrics);
        assertThrows(IllegalStateException.class, () -> filter.filter(request(), response(200, false), (r, s) -> {
            throw new IllegalStateException("boom");
        }));
        assertThrows(StatusException.class, () -> filter.filter(request(), response(200, false), (r, s) -> {
            throw StatusException.tooManyRequests("slow down", 1);
        }));
        filter.filter(request(), response(200, true), (r, s) -> { });
        assertEquals(1.0, lists(metrics, "500"));
        assertEquals(1.0, lists(metrics, "429"));
        assertEquals(1.0, lists(metrics, "200"));
        assertTrue(lists(metrics, "404") == 0.0);
    }
}
