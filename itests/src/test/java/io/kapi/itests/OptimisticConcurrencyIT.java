package io.kapi.itests;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * 16 clients × 500 read-modify-write increments of one ConfigMap over the API, each retrying on 409
 * Conflict with a fresh read, end at exactly 8 000: no lost update, no double apply.
 */
public class OptimisticConcurrencyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    public void incrementsWithConflictRetriesAreExact() throws Exception {
        try (Distribution dist = new Distribution("concurrency")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            String token = Files.readAllLines(dist.home.resolve("etc/kapi/tokens.csv")).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(",")[0].trim();
            HttpClient client = Distribution.insecureClient();
            String url = "https://127.0.0.1:" + dist.securePort + "/api/v1/namespaces/default/configmaps";
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"metadata\":{\"name\":\"counter\"},\"data\":{\"n\":\"0\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(created.body(), 201, created.statusCode());
            AtomicInteger conflicts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        while (true) {
                            HttpResponse<String> got = client.send(HttpRequest.newBuilder(URI.create(url + "/counter"))
                                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                            ObjectNode cm = (ObjectNode) JSON.readTree(got.body());
                            int n = Integer.parseInt(cm.path("data").path("n").asText());
                            ((ObjectNode) cm.get("data")).put("n", Integer.toString(n + 1));
                            HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(url + "/counter"))
                                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(cm))).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (put.statusCode() == 200) {
                                break;
                            }
                            if (put.statusCode() != 409) {
                                throw new IllegalStateException(put.statusCode() + " " + put.body());
                            }
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
            pool.shutdown();
            HttpResponse<String> last = client.send(HttpRequest.newBuilder(URI.create(url + "/counter"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("8000", JSON.readTree(last.body()).path("data").path("n").asText());
            System.out.println("optimistic concurrency: 8000 increments exact, " + conflicts.get() + " conflicts retried");
        }
    }
}
