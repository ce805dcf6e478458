package io.kapi.itests;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client of one Kapi distribution of a test that runs several on a shared etcd (TwoInstancesOnEtcdIT,
 * EtcdClusterFailoverIT): JSON requests with the distribution's bearer token, and its watch streams.
 */
final class InstanceApi {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CMS = "/api/v1/namespaces/default/configmaps";

    final String name;
    final Distribution dist;
    final String token;
    final HttpClient client;

    InstanceApi(String name, Distribution dist) throws Exception {
        this.name = name;
        this.dist = dist;
        this.token = dist.token();
        this.client = Distribution.insecureClient();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(dist.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    /** A watch on {@code path} (which asks for it), its events read on their own thread into {@code sink}. */
    InstanceWatch watch(String path, InstanceWatch.Sink sink) throws Exception {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new AssertionError("watch on " + name + ": " + r.statusCode() + " " + body);
        }
        return new InstanceWatch(this, r.body(), sink);
    }

    /**
     * Waits (60 s at most) until both instances serve from the shared etcd: a ConfigMap sync-N created through
     * {@code a} is readable through {@code b}. Returns N, the attempt that succeeded counting from 0.
     */
    static int awaitSharedStore(InstanceApi a, InstanceApi b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; ; i++) {
            String name = "sync-" + i;
            HttpResponse<String> created = a.send(a.request(CMS).POST(configMap(name, null, "0")));
            if (created.statusCode() == 201 && b.get(CMS + "/" + name).statusCode() == 200) {
                return i;
            }
            assertTrue("A and B never served from the same store", System.nanoTime() < deadline);
            Thread.sleep(250);
        }
    }

    /** A ConfigMap named {@code name} whose data is {@code counter}, guarded by {@code rv} unless it is null. */
    static HttpRequest.BodyPublisher configMap(String name, Long rv, String counter) {
        ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata").put("name", name);
        if (rv != null) {
            meta.put("resourceVersion", Long.toString(rv));
        }
        cm.putObject("data").put("counter", counter);
        return HttpRequest.BodyPublishers.ofString(cm.toString());
    }

    static long rv(JsonNode object) {
        return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
    }
}
