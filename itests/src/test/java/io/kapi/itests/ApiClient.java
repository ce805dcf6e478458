package io.kapi.itests;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** An HTTPS client for tests inside the container, authenticated with the admin token written at first start. */
final class ApiClient {
    private final HttpClient http;
    private final String base;
    private final String token;

    ApiClient(int port) throws Exception {
        // the test checks the API, not the certificate chain (the kubectl end-to-end test checks that)
        this.http = Distribution.insecureClient();
        this.base = "https://127.0.0.1:" + port;
        this.token = adminToken(Path.of(System.getProperty("karaf.etc"), "kapi", "tokens.csv"));
    }

    /**
     * The first token of the file the security bundle writes when it activates, which may be after
     * the runtime is ready (requests get 401 until its authenticators are there): waits for it.
     */
    private static String adminToken(Path tokens) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (Files.exists(tokens)) {
                var line = Files.readAllLines(tokens).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst();
                if (line.isPresent()) {
                    return line.get().split(",")[0].trim();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no admin token in " + tokens + " after 60 s");
            }
            Thread.sleep(100);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        return http.send(request(path).setHeader("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A create sent without waiting for its answer (open-loop load); the body of the answer is dropped. */
    java.util.concurrent.CompletableFuture<HttpResponse<Void>> postAsync(String path, String json) {
        return http.sendAsync(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding());
    }

    HttpResponse<String> patch(String path, String contentType, String body) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
