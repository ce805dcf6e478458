package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** /metrics in Prometheus' text format with kube's names and labels, counting the requests made. */
class MetricsTest extends ServingTestBase {
    private static double sample(String text, String line) {
        return text.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(l.substring(line.length() + 1)))
                .findFirst().orElse(0);
    }

    @Test
    void requestsWatchersStorageAndTheJvmAsKubeNamesThem() throws Exception {
        serveWidgets();
        assertEquals(201, call("POST", "/apis/things.example.com/v1/widgets", "{\"metadata\":{\"name\":\"w1\"}}").status);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call("GET", "/apis/things.example.com/v1/widgets", null).status);
        }
        assertEquals(404, call("GET", "/apis/things.example.com/v1/widgets/nope", null).status);
        FakeHttp.Async async = new FakeHttp.Async();
        start("GET", "/apis/things.example.com/v1/widgets?watch=true&timeoutSeconds=600", "application/json", null, async);

        FakeHttp.Response metrics = call("GET", "/metrics", null);
        assertEquals(200, metrics.status);
        assertTrue(metrics.headers.getOrDefault("Content-Type", "").startsWith("text/plain; version=0.0.4"), metrics.headers.toString());
        String text = metrics.text();
        String labels = "component=\"apiserver\",dry_run=\"\",group=\"things.example.com\",resource=\"widgets\",scope=\"cluster\","
                + "subresource=\"\",verb=\"LIST\",version=\"v1\"";
        assertEquals(3, sample(text, "apiserver_request_total{code=\"200\"," + labels + "}"), text);
        assertEquals(1, sample(text, "apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\",group=\"things.example.com\","
                + "resource=\"widgets\",scope=\"cluster\",subresource=\"\",verb=\"POST\",version=\"v1\"}"), text);
        assertEquals(1, sample(text, "apiserver_request_total{code=\"404\",component=\"apiserver\",dry_run=\"\",group=\"things.example.com\","
                + "resource=\"widgets\",scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"}"), text);
        assertEquals(3, sample(text, "apiserver_request_duration_seconds_count{" + labels + "}"), text);
        // kube's buckets, up to 60 s
        assertEquals(3, sample(text, "apiserver_request_duration_seconds_bucket{" + labels + ",le=\"60.0\"}"), text);
        assertTrue(text.contains("apiserver_request_duration_seconds_bucket{" + labels + ",le=\"0.005\"}"), text);
        assertEquals(1, sample(text, "apiserver_registered_watchers{group=\"things.example.com\",kind=\"Widget\",version=\"v1\"}"), text);
        assertEquals(1, sample(text, "apiserver_storage_objects{resource=\"widgets.things.example.com\"}"), text);
        assertTrue(text.contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"}"), text);
        assertEquals(1, sample(text, "apiserver_longrunning_requests{component=\"apiserver\",group=\"things.example.com\",resource=\"widgets\","
                + "scope=\"cluster\",subresource=\"\",verb=\"WATCH\",version=\"v1\"}"), text);
        assertTrue(sample(text, "kapi_snapshot_generation") >= 1, text);
        assertTrue(sample(text, "kapi_snapshot_rebuilds_total") >= 1, text);
        double rebuilds = sample(text, "kapi_snapshot_rebuilds_total");
        server.rebuild();
        assertEquals(rebuilds + 1, sample(call("GET", "/metrics", null).text(), "kapi_snapshot_rebuilds_total"), "a rebuild is counted");
        // widgets, and authorization.k8s.io and authentication.k8s.io the core serves itself
        assertEquals(3, sample(text, "kapi_served_groups{server=\"kube\"}"), text);
        assertTrue(text.contains("jvm_memory_used_bytes{"), text);
        // the backend's calls under the watch cache, as kube's etcd_request_duration_seconds
        assertEquals(1, sample(text, "etcd_request_duration_seconds_count{operation=\"create\",type=\"widgets.things.example.com\"}"), text);
        server.shutdown();
        async.awaitCompletion();
        assertTrue(async.isComplete());
    }

    @Test
    void metricsNeedCredentials() throws Exception {
        serveWidgets();
        FakeHttp.Response anonymous = new FakeHttp.Response();
        server.service(FakeHttp.request("GET", "/metrics", Map.of("Accept", "*/*"), null, new FakeHttp.Async()), anonymous.proxy);
        assertEquals(401, anonymous.status);
    }
}
