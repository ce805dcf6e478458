package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * kill -9 of Karaf under a write load: after a restart on the same data every acknowledged create is
 * there, exactly once, and resourceVersions keep increasing.
 */
public class DurabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    public void acknowledgedWritesSurviveKill9() throws Exception {
        try (Distribution dist = new Distribution("durability")) {
            dist.start();
            dist.awaitReady(System.nanoTime());
            String token = Files.readAllLines(dist.home.resolve("etc/kapi/tokens.csv")).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow().split(",")[0].trim();
            HttpClient client = Distribution.insecureClient();
            String base = "https://127.0.0.1:" + dist.securePort;
            Map<String, Long> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger seq = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(8);
            for (int w = 0; w < 8; w++) {
                writers.execute(() -> {
                    while (!stop.get()) {
                        String name = "dur-" + seq.incrementAndGet();
                        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                                + "\"},\"data\":{\"v\":\"" + name + "\"}}";
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps"))
                                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                acked.put(name, JSON.readTree(r.body()).path("metadata").path("resourceVersion").asLong());
                            }
                        } catch (Exception connectionLost) {
                            // after the kill: not acknowledged, so not expected
                        }
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acked.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            dist.kill9();
            stop.set(true);
            writers.shutdown();
            assertTrue(writers.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue("too few writes before the kill: " + acked.size(), acked.size() >= 50);
            long maxAcked = acked.values().stream().mapToLong(Long::longValue).max().orElse(0);

            dist.start();
            dist.awaitReady(System.nanoTime());
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(list.body(), 200, list.statusCode());
            JsonNode items = JSON.readTree(list.body()).path("items");
            Set<String> present = new HashSet<>();
            for (JsonNode item : items) {
                String name = item.path("metadata").path("name").asText();
                assertTrue("duplicate " + name, present.add(name));
                Long rv = acked.get(name);
                if (rv != null) {
                    assertEquals(name, rv.longValue(), item.path("metadata").path("resourceVersion").asLong());
                }
            }
            for (String name : acked.keySet()) {
                assertTrue("acknowledged create lost: " + name, present.contains(name));
            }
            assertTrue(JSON.readTree(list.body()).path("metadata").path("resourceVersion").asLong() >= maxAcked);
            System.out.println("durability: " + acked.size() + " acknowledged creates before kill -9, all present after restart");
        }
    }
}
