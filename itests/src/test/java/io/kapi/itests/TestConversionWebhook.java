package io.kapi.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A CRD conversion webhook as a user would run one, on loopback over HTTPS with its own certificate
 * (made by the JDK's keytool, for 127.0.0.1): it converts v1's {@code spec.size} to v2's
 * {@code spec.replicas} and back, and counts the reviews it answered.
 */
final class TestConversionWebhook implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpsServer server;
    private final byte[] caPem;
    final AtomicInteger reviews = new AtomicInteger();

    TestConversionWebhook(Path dir) throws Exception {
        Path ks = dir.resolve("webhook.p12");
        keytool("-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=webhook",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "secret");
        Path pem = dir.resolve("webhook.pem");
        keytool("-exportcert", "-rfc", "-alias", "webhook", "-keystore", ks.toString(), "-storepass", "secret", "-file", pem.toString());
        caPem = Files.readAllBytes(pem);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "secret".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/convert", x -> {
            byte[] body = JSON.writeValueAsBytes(answer((ObjectNode) JSON.readTree(x.getRequestBody().readAllBytes())));
            reviews.incrementAndGet();
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    private static ObjectNode answer(ObjectNode review) {
        JsonNode request = review.get("request");
        String to = request.get("desiredAPIVersion").asText();
        ObjectNode response = JSON.createObjectNode().put("uid", request.get("uid").asText());
        ArrayNode converted = response.putArray("convertedObjects");
        for (JsonNode o : request.get("objects")) {
            ObjectNode c = o.deepCopy();
            ObjectNode spec = c.with("spec");
            if (to.endsWith("/v2") && spec.has("size")) {
                spec.set("replicas", spec.remove("size"));
            } else if (to.endsWith("/v1") && spec.has("replicas")) {
                spec.set("size", spec.remove("replicas"));
            }
            c.put("apiVersion", to);
            converted.add(c);
        }
        response.putObject("result").put("status", "Success");
        ObjectNode out = JSON.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "ConversionReview");
        out.set("response", response);
        return out;
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/convert";
    }

    String caBundle() {
        return Base64.getEncoder().encodeToString(caPem);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
