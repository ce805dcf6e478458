package io.kapi.server.apiextensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook conversion against a real HTTPS webhook on loopback with its own certificate (made by the JDK's
 * keytool, its PEM as the caBundle), answering as the test tells it to.
 */
class WebhookConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpsServer server;
    private static byte[] caPem;
    private static volatile UnaryOperator<ObjectNode> answer;
    private static final List<JsonNode> REVIEWS = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    @BeforeAll
    static void start() throws Exception {
        Path ks = dir.resolve("webhook.p12");
        keytool("-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=webhook",
                "-ext", "san=ip:127.0.0.1,dns:hook.webhooks.svc", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "secret");
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
            ObjectNode review = (ObjectNode) JSON.readTree(x.getRequestBody().readAllBytes());
            REVIEWS.add(review.deepCopy());
            byte[] body = JSON.writeValueAsBytes(answer.apply(review));
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void reset() {
        REVIEWS.clear();
        answer = WebhookConverterTest::renameSizeToReplicas;
    }

    /** The test's conversion: v1 {@code spec.size} is v2 {@code spec.replicas}; it also labels what it converts. */
    static ObjectNode renameSizeToReplicas(ObjectNode review) {
        ObjectNode request = (ObjectNode) review.get("request");
        String to = request.get("desiredAPIVersion").asText();
        ObjectNode response = JSON.createObjectNode().put("uid", request.get("uid").asText());
        var converted = response.putArray("convertedObjects");
        for (JsonNode o : request.get("objects")) {
            ObjectNode c = o.deepCopy();
            ObjectNode spec = (ObjectNode) c.get("spec");
            if (to.endsWith("/v2")) {
                spec.set("replicas", spec.remove("size"));
            } else {
                spec.set("size", spec.remove("replicas"));
            }
            c.put("apiVersion", to);
            ((ObjectNode) c.get("metadata")).with("labels").put("converted", "yes");
            ((ObjectNode) c.get("metadata")).put("generation", 99); // not the webhook's to change: restored
            converted.add(c);
        }
        response.putObject("result").put("status", "Success");
        return JSON.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "ConversionReview").set("response", response);
    }

    private static WebhookConverter converter(byte[] ca) {
        return new WebhookConverter("example.com",
                new WebhookTransport("https://127.0.0.1:" + server.getAddress().getPort() + "/convert", ca), List.of("v1", "v1beta1"));
    }

    private static ObjectNode widget(String version) throws Exception {
        return (ObjectNode) JSON.readTree("{\"apiVersion\":\"example.com/" + version + "\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\","
                + "\"namespace\":\"ns\",\"uid\":\"u-1\",\"generation\":1},\"spec\":{\"size\":3}}");
    }

    @Test
    void objectsAreConvertedByTheWebhookAndKeepTheirMetadata() throws Exception {
        ObjectNode v2 = converter(caPem).convert(widget("v1"), "v2");
        assertEquals("{\"apiVersion\":\"example.com/v2\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\",\"namespace\":\"ns\",\"uid\":\"u-1\","
                + "\"generation\":1,\"labels\":{\"converted\":\"yes\"}},\"spec\":{\"replicas\":3}}", v2.toString());
        JsonNode review = REVIEWS.get(0);
        assertEquals("apiextensions.k8s.io/v1", review.get("apiVersion").asText());
        assertEquals("example.com/v2", review.at("/request/desiredAPIVersion").asText());
        assertEquals(1, review.at("/request/objects").size());
        // an object already in the wanted version is not sent
        ObjectNode already = widget("v2");
        assertTrue(already == converter(caPem).convert(already, "v2"));
        assertEquals(1, REVIEWS.size());
    }

    @Test
    void anUnchangedObjectIsNotSentAgainAsKubesWatchCacheKeepsItConverted() throws Exception {
        WebhookConverter converter = converter(caPem);
        ObjectNode first = converter.convert(widget("v1"), "v2");
        ObjectNode again = converter.convert(widget("v1"), "v2");
        assertEquals(first, again);
        assertEquals(1, REVIEWS.size());
        ObjectNode changed = widget("v1");
        ((ObjectNode) changed.get("spec")).put("size", 4);
        assertEquals(4, converter.convert(changed, "v2").at("/spec/replicas").asInt());
        assertEquals(2, REVIEWS.size());
        // a converter of a changed definition starts afresh
        converter(caPem).convert(widget("v1"), "v2");
        assertEquals(3, REVIEWS.size());
    }

    private static String failure(UnaryOperator<ObjectNode> webhook) throws Exception {
        answer = webhook;
        StatusException e = assertThrows(StatusException.class, () -> converter(caPem).convert(widget("v1"), "v2"));
        assertEquals(500, e.code());
        return e.getMessage();
    }

    @Test
    void kubesAnswersWhenTheWebhookFailsOrAnswersWrongly() throws Exception {
        String prefix = "Internal error occurred: conversion webhook for example.com/v1, Kind=Widget ";
        assertEquals(prefix + "failed: cannot convert widgets today", failure(r -> {
            ObjectNode a = renameSizeToReplicas(r);
            ((ObjectNode) a.get("response")).putObject("result").put("status", "Failure").put("message", "cannot convert widgets today");
            return a;
        }));
        String wrongUid = failure(r -> {
            ObjectNode a = renameSizeToReplicas(r);
            ((ObjectNode) a.get("response")).put("uid", "other");
            return a;
        });
        String sent = REVIEWS.get(REVIEWS.size() - 1).at("/request/uid").asText();
        assertEquals(prefix + "failed: expected response.uid=\"" + sent + "\", got \"other\"", wrongUid);
        assertEquals(prefix + "returned invalid object at index 0: invalid groupVersion (expected example.com/v2, received example.com/v1)",
                failure(r -> {
                    ObjectNode a = renameSizeToReplicas(r);
                    ((ObjectNode) a.at("/response/convertedObjects/0")).put("apiVersion", "example.com/v1");
                    return a;
                }));
        assertEquals(prefix + "returned invalid object: must have the same name: w1 != w2", failure(r -> {
            ObjectNode a = renameSizeToReplicas(r);
            ((ObjectNode) a.at("/response/convertedObjects/0/metadata")).put("name", "w2");
            return a;
        }));
        assertEquals(prefix + "returned 0 objects, expected 1", failure(r -> {
            ObjectNode a = renameSizeToReplicas(r);
            ((ObjectNode) a.get("response")).putArray("convertedObjects");
            return a;
        }));
    }

    @Test
    void theWebhooksCertificateMustChainToTheBundleAndTheWebhookBeThere() throws Exception {
        StatusException untrusted = assertThrows(StatusException.class, () -> converter(new byte[0]).convert(widget("v1"), "v2"));
        assertTrue(untrusted.getMessage().contains("failed: Post \"https://127.0.0.1:" + server.getAddress().getPort()
                + "/convert?timeout=30s\": tls: failed to verify certificate"), untrusted.getMessage());
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        WebhookConverter nobody = new WebhookConverter("example.com", new WebhookTransport("https://127.0.0.1:" + closed + "/convert", caPem),
                List.of("v1"));
        StatusException refused = assertThrows(StatusException.class, () -> nobody.convert(widget("v1"), "v2"));
        assertEquals("Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: Post \"https://127.0.0.1:" + closed
                + "/convert?timeout=30s\": dial tcp 127.0.0.1:" + closed + ": connect: connection refused", refused.getMessage());
    }

    private static List<String> messages(List<FieldCause> causes) {
        return causes.stream().map(c -> c.field() + ": " + c.message()).toList();
    }

    @Test
    void theConversionSettingsAreCheckedAsKubeChecksThem() throws Exception {
        assertEquals(List.of(), messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"None\"}"))));
        String ca = Base64.getEncoder().encodeToString(caPem);
        assertEquals(List.of(), messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"Webhook\",\"webhook\":{\"clientConfig\":"
                + "{\"url\":\"https://127.0.0.1:9443/convert\",\"caBundle\":\"" + ca + "\"},\"conversionReviewVersions\":[\"v1\"]}}"))));
        assertEquals(List.of("spec.conversion.strategy: Unsupported value: \"Magic\": supported values: \"None\", \"Webhook\""),
                messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"Magic\"}"))));
        assertEquals(List.of("spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
                        "spec.conversion.conversionReviewVersions: Required value"),
                messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"Webhook\"}"))));
        assertEquals(List.of("spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; "
                        + "desired format: https://host[/path]",
                        "spec.conversion.webhookClientConfig.url: Invalid value: \"a=b\": query parameters are not permitted in the URL",
                        "spec.conversion.webhookClientConfig.caBundle: Invalid value: []byte{...}: unable to load root certificates: "
                                + "unable to parse bytes as PEM block",
                        "spec.conversion.conversionReviewVersions: Invalid value: []string{\"v2\"}: must include at least one of v1, v1beta1"),
                messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"Webhook\",\"webhook\":{\"clientConfig\":"
                        + "{\"url\":\"http://hook/convert?a=b\",\"caBundle\":\"bm90IGEgY2VydA==\"},\"conversionReviewVersions\":[\"v2\"]}}"))));
        assertEquals(List.of("spec.conversion.webhookClientConfig.service.namespace: Required value: service namespace is required",
                        "spec.conversion.webhookClientConfig.service.path: Invalid value: \"/Convert\": segment[0]: a lowercase RFC 1123 "
                                + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                                + "alphanumeric character (e.g. 'example.com', regex used for validation is "
                                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"Webhook\",\"webhook\":{\"clientConfig\":"
                        + "{\"service\":{\"name\":\"hook\",\"path\":\"/Convert\"}},\"conversionReviewVersions\":[\"v1\"]}}"))));
        assertEquals(List.of("spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook"),
                messages(ConversionRules.validate(JSON.readTree("{\"strategy\":\"None\",\"webhook\":{\"clientConfig\":{\"url\":\"https://x\"}}}"))));
    }

    private static WebhookConverter throughService(ServiceEndpoints.Resolver services, String name) {
        return WebhookConverter.of(JSON.createObjectNode().put("group", "example.com").set("conversion", JSON.createObjectNode()
                .put("strategy", "Webhook").set("webhook", JSON.createObjectNode().<ObjectNode>set("conversionReviewVersions",
                        JSON.createArrayNode().add("v1")).set("clientConfig", JSON.createObjectNode()
                        .put("caBundle", Base64.getEncoder().encodeToString(caPem))
                        .set("service", JSON.createObjectNode().put("namespace", "webhooks").put("name", name).put("path", "/convert"))))),
                services);
    }

    /** A service reference: the address from the Service's Endpoints, the certificate checked for {@code <name>.<namespace>.svc}. */
    @Test
    void aServiceReferenceIsReachedThroughItsEndpointsAndItsServiceName() throws Exception {
        int port = server.getAddress().getPort();
        ServiceEndpoints.Resolver resolver = (namespace, name, svcPort) -> {
            assertEquals("webhooks", namespace);
            assertEquals(443, svcPort, "v1's default port");
            return "https://127.0.0.1:" + port;
        };
        assertEquals("{\"replicas\":3}", throughService(resolver, "hook").convert(widget("v1"), "v2").get("spec").toString());
        // the same address, but the certificate does not name other.webhooks.svc
        StatusException wrongName = assertThrows(StatusException.class, () -> throughService(resolver, "other").convert(widget("v1"), "v2"));
        assertTrue(wrongName.getMessage().contains("failed: Post \"https://127.0.0.1:" + port + "/convert?timeout=30s\": tls: "),
                wrongName.getMessage());
        StatusException none = assertThrows(StatusException.class, () -> throughService((namespace, name, p) -> {
            throw StatusException.serviceUnavailable("no endpoints available for service \"hook\"", 0);
        }, "hook").convert(widget("v1"), "v2"));
        assertEquals("Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: "
                + "no endpoints available for service \"hook\"", none.getMessage());
    }

    @Test
    void kubesEndpointResolution() throws Exception {
        JsonNode service = JSON.readTree("{\"metadata\":{\"name\":\"hook\"},\"spec\":{\"type\":\"ClusterIP\",\"ports\":["
                + "{\"name\":\"https\",\"port\":443,\"targetPort\":9443}]}}");
        ObjectNode endpoints = (ObjectNode) JSON.readTree("{\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.1\"}],"
                + "\"ports\":[{\"name\":\"https\",\"port\":9443}]}]}");
        assertEquals("https://127.0.0.1:9443", ServiceEndpoints.resolve(service, () -> endpoints, 443));
        StatusException noPort = assertThrows(StatusException.class, () -> ServiceEndpoints.resolve(service, () -> endpoints, 8443));
        assertEquals("no service port 8443 found for service \"hook\"", noPort.getMessage());
        assertEquals(503, noPort.code());
        StatusException empty = assertThrows(StatusException.class,
                () -> ServiceEndpoints.resolve(service, JSON::createObjectNode, 443));
        assertEquals("no endpoints available for service \"hook\"", empty.getMessage());
        JsonNode external = JSON.readTree("{\"metadata\":{\"name\":\"hook\"},\"spec\":{\"type\":\"ExternalName\"}}");
        IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
                () -> ServiceEndpoints.resolve(external, () -> endpoints, 443));
        assertEquals("unsupported service type \"ExternalName\"", unsupported.getMessage());
    }
}
