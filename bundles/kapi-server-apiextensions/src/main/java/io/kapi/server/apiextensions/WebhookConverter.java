package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.VersionConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CustomResourceDefinition's {@code Webhook} conversion, as kube's {@code webhookConverter}: an object
 * already in the wanted version is returned as it is; any other is sent in a {@code ConversionReview}
 * (the first of the definition's {@code conversionReviewVersions} kube knows, v1 or v1beta1) and the
 * answer checked as kube checks it: the review's kind and uid, {@code Success}, one object back in the
 * wanted apiVersion, the same kind, name, namespace and uid; the original metadata is kept but for the
 * labels and annotations the webhook set. Every failure is kube's 500 {@code conversion webhook for
 * <group>/<version>, Kind=<kind> failed: ...}.
 *
 * <p>One object per review, as kube's storage decodes each stored object into the version it serves.
 * kube's watch cache then holds the converted objects; here {@link #CONVERTED} does, so reads of an
 * unchanged object do not call the webhook again.
 */
final class WebhookConverter implements VersionConverter {
    private final String group;
    private final WebhookTransport transport;
    private final String reviewVersion;
    /** Converted objects of every webhook converter of this server, 64 MiB at most. */
    private static final ConversionCache CONVERTED = new ConversionCache(64L << 20);
    private static final AtomicLong IDS = new AtomicLong();
    private final String id = Long.toString(IDS.incrementAndGet());

    WebhookConverter(String group, WebhookTransport transport, List<String> conversionReviewVersions) {
        this.group = group;
        this.transport = transport;
        String chosen = null;
        for (String v : conversionReviewVersions) {
            if (v.equals("v1") || v.equals("v1beta1")) {
                chosen = v;
                break;
            }
        }
        this.reviewVersion = chosen; // null: the definition's validation refuses this; each conversion fails as kube's
    }

    /**
     * The converter a definition's {@code spec.conversion} asks for, or null for {@code None}; a {@code service}
     * reference is reached through {@code services} (the Service's Endpoints stored in Kapi).
     */
    static WebhookConverter of(JsonNode spec, ServiceEndpoints.Resolver services) {
        JsonNode conversion = spec.path("conversion");
        if (!"Webhook".equals(conversion.path("strategy").asText())) {
            return null;
        }
        JsonNode cc = conversion.path("webhook").path("clientConfig");
        byte[] caBundle = ConversionRules.decode(cc.path("caBundle").asText(""));
        WebhookTransport transport;
        if (cc.hasNonNull("url")) {
            transport = new WebhookTransport(cc.get("url").asText(), caBundle);
        } else {
            JsonNode svc = cc.path("service");
            String namespace = svc.path("namespace").asText();
            String name = svc.path("name").asText();
            int port = svc.path("port").asInt(443);
            String path = svc.path("path").asText("");
            transport = new WebhookTransport(() -> services.resolve(namespace, name, port),
                    path.isEmpty() || path.startsWith("/") ? path : "/" + path, name + "." + namespace + ".svc", caBundle);
        }
        List<String> versions = new ArrayList<>();
        conversion.path("webhook").path("conversionReviewVersions").forEach(v -> versions.add(v.asText()));
        return new WebhookConverter(spec.path("group").asText(), transport, versions);
    }

    @Override
    public ObjectNode convert(ObjectNode object, String toVersion) {
        String desired = group + "/" + toVersion;
        String apiVersion = Json.text(object, "apiVersion");
        if (apiVersion.equals(desired)) {
            return object;
        }
        if (reviewVersion == null) {
            throw StatusException.internal("no supported conversion review versions");
        }
        return CONVERTED.get(id, object, toVersion, () -> review(object, desired));
    }

    /** {@code object} sent to the webhook in a review and its answer checked. */
    private ObjectNode review(ObjectNode object, String desired) {
        String apiVersion = Json.text(object, "apiVersion");
        String kind = Json.text(object, "kind");
        String failed = "conversion webhook for " + apiVersion + ", Kind=" + kind;
        String uid = UUID.randomUUID().toString();
        ObjectNode review = Json.object().put("kind", "ConversionReview").put("apiVersion", "apiextensions.k8s.io/" + reviewVersion);
        ObjectNode request = review.putObject("request").put("uid", uid).put("desiredAPIVersion", desired);
        request.putArray("objects").add(object);
        JsonNode answer;
        try {
            answer = transport.post(review);
        } catch (WebhookTransport.WebhookException e) {
            throw StatusException.internal(failed + " failed: " + e.getMessage());
        }
        JsonNode objects;
        try {
            objects = convertedObjects(answer, uid);
        } catch (IllegalArgumentException e) {
            throw StatusException.internal(failed + " failed: " + e.getMessage());
        }
        if (objects.size() != 1) {
            throw StatusException.internal(failed + " returned " + objects.size() + " objects, expected 1");
        }
        if (!(objects.get(0) instanceof ObjectNode converted)) {
            throw StatusException.internal(failed + " failed, unexpected type at index 0");
        }
        String gotVersion = Json.text(converted, "apiVersion");
        if (!gotVersion.equals(desired)) {
            throw StatusException.internal(failed + " returned invalid object at index 0: invalid groupVersion (expected "
                    + desired + ", received " + gotVersion + ")");
        }
        if (!Json.text(converted, "kind").equals(kind)) {
            throw StatusException.internal(failed + " returned invalid object at index 0: invalid kind (expected "
                    + kind + ", received " + Json.text(converted, "kind") + ")");
        }
        String invalid = sameIdentity(object, converted);
        if (invalid != null) {
            throw StatusException.internal(failed + " returned invalid object: " + invalid);
        }
        String badMeta = restoreMetadata(object, converted);
        if (badMeta != null) {
            throw StatusException.internal(failed + " returned invalid metadata: " + badMeta);
        }
        return converted;
    }

    /** The review's converted objects, or what kube says is wrong with the review. */
    private JsonNode convertedObjects(JsonNode answer, String uid) {
        String expected = "apiextensions.k8s.io/" + reviewVersion + ", Kind=ConversionReview";
        String got = answer.path("apiVersion").asText("") + ", Kind=" + answer.path("kind").asText("");
        if (reviewVersion.equals("v1") && !got.equals(expected)) {
            throw new IllegalArgumentException("expected webhook response of " + expected + ", got " + got);
        }
        JsonNode response = answer.get("response");
        if (response == null || response.isNull()) {
            throw new IllegalArgumentException("no response provided");
        }
        if (reviewVersion.equals("v1") && !uid.equals(response.path("uid").asText(""))) {
            throw new IllegalArgumentException("expected response.uid=\"" + uid + "\", got \"" + response.path("uid").asText("") + "\"");
        }
        JsonNode result = response.path("result");
        String status = result.path("status").asText("");
        if (!status.equals("Success")) {
            String message = result.path("message").asText("");
            throw new IllegalArgumentException(!message.isEmpty() ? message : "response.result.status was '" + status + "', not 'Success'");
        }
        return response.path("convertedObjects");
    }

    /** kube's {@code validateConvertedObject}: the same kind, name, namespace and uid. */
    static String sameIdentity(ObjectNode in, ObjectNode out) {
        for (String[] f : new String[][] {{"kind", null}, {"name", "name"}, {"namespace", "namespace"}, {"uid", "UID"}}) {
            String a = f[1] == null ? Json.text(in, f[0]) : Json.text(in.get("metadata"), f[0]);
            String b = f[1] == null ? Json.text(out, f[0]) : Json.text(out.get("metadata"), f[0]);
            if (!a.equals(b)) {
                return "must have the same " + (f[1] == null ? "kind" : f[1]) + ": " + a + " != " + b;
            }
        }
        return null;
    }

    /**
     * kube's {@code restoreObjectMeta}: the original metadata, with the converted object's labels and
     * annotations (string maps only); null when fine, else what is wrong.
     */
    static String restoreMetadata(ObjectNode original, ObjectNode converted) {
        JsonNode response = converted.get("metadata");
        if (response == null) {
            return "missing metadata in converted object";
        }
        if (!response.isObject()) {
            return "invalid metadata of type " + response.getNodeType() + " in converted object";
        }
        ObjectNode restored = original.get("metadata") instanceof ObjectNode m ? m.deepCopy() : Json.object();
        for (String field : new String[] {"labels", "annotations"}) {
            JsonNode value = response.get(field);
            if (value == null || value.isNull()) {
                restored.remove(field);
                continue;
            }
            if (!value.isObject()) {
                return "invalid metadata." + field + " of type " + value.getNodeType() + " in converted object";
            }
            var it = value.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    return "metadata." + field + "[" + e.getKey() + "] must be a string, but is " + e.getValue().getNodeType()
                            + " in converted object";
                }
            }
            restored.set(field, value.deepCopy());
        }
        converted.set("metadata", restored);
        return null;
    }
}
