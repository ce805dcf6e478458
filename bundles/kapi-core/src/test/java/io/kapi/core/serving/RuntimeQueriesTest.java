package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kapi.api.server.KapiRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the shell asks the runtime: which bundle serves a request, and who watches what. */
class RuntimeQueriesTest extends ServingTestBase {
    @Test
    void aRequestResolvesToItsServerAndBundle() {
        serveWidgets();
        KapiRuntime.Resolution watch = server.resolve("GET", "/apis/things.example.com/v1/widgets?watch=true");
        assertEquals(new KapiRuntime.Resolution("watch", true, "things.example.com", "v1", "widgets", "", "kube", "b"), watch);
        KapiRuntime.Resolution status = server.resolve("PUT", "/apis/things.example.com/v1/widgets/w1/status");
        assertEquals("update", status.verb());
        assertEquals("status", status.subresource());
        KapiRuntime.Resolution unknown = server.resolve("GET", "/apis/nothing.example.com/v1/gadgets");
        assertEquals("", unknown.bundle());
        assertFalse(server.resolve("GET", "/healthz").resourceRequest());
    }

    @Test
    void openWatchesAreCountedPerResourceAndUser() throws Exception {
        serveWidgets();
        FakeHttp.Async a = new FakeHttp.Async();
        FakeHttp.Async b = new FakeHttp.Async();
        start("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=600", "application/json", null, a);
        start("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=600", "application/json", null, b);
        assertEquals(List.of(new KapiRuntime.WatchInfo("things.example.com", "v1", "widgets", "admin", 2)),
                server.watches().stream().filter(w -> w.resource().equals("widgets")).toList());
    }
}
