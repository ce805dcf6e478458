package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.NamedCreater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ServiceAccountTokens;
import io.kapi.api.server.ServiceAccountTokens.BoundObject;
import io.kapi.api.storage.Storage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code serviceaccounts/token}, as kube's {@code TokenREST}: a TokenRequest (authentication.k8s.io/v1) for a
 * service account that exists answers with a token signed by the server's issuer ({@link ServiceAccountTokens})
 * and when it expires. {@code spec.expirationSeconds} defaults to an hour and must lie between 10 minutes and
 * 2^32 seconds; {@code spec.audiences} defaults to the API audiences; a {@code spec.boundObjectRef} to a Pod,
 * Secret or Node binds the token to that object (it must exist, with the uid given if one is; a pod must run as
 * this service account), and a pod's node is named in the token too. The answer is the request with its name,
 * namespace and creation time filled in, as kube's. Nothing is stored.
 */
final class ServiceAccountTokenRest implements NamedCreater {
    static final String SUBRESOURCE = "token";
    /** kube's {@code SetDefaults_TokenRequestSpec}. */
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    private static final long MIN_EXPIRATION_SECONDS = 600;
    private static final long MAX_EXPIRATION_SECONDS = 1L << 32;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestStore serviceAccounts;
    private final Storage storage;
    private final Supplier<ServiceAccountTokens> issuer;
    private final Clock clock;

    ServiceAccountTokenRest(RestStore serviceAccounts, Storage storage, Supplier<ServiceAccountTokens> issuer, Clock clock) {
        this.serviceAccounts = serviceAccounts;
        this.storage = storage;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public ObjectNode create(RequestContext ctx, String name, ObjectNode request) {
        ObjectNode meta = request.get("metadata") instanceof ObjectNode m ? m : request.putObject("metadata");
        // kube's order: the body's names against the URL's, the service account, defaults, then validation
        String bodyName = Json.text(meta, "name");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw StatusException.invalid("authentication.k8s.io", "TokenRequest", name,
                    List.of(FieldCause.invalid("metadata.name", bodyName, "must match the service account name if specified")));
        }
        String bodyNamespace = Json.text(meta, "namespace");
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(ctx.namespace())) {
            throw StatusException.invalid("authentication.k8s.io", "TokenRequest", name,
                    List.of(FieldCause.invalid("metadata.namespace", bodyNamespace, "must match the service account namespace if specified")));
        }
        JsonNode account = serviceAccounts.get(ctx, name, null).path("metadata");
        ServiceAccountTokens tokens = issuer.get();
        if (tokens == null) {
            throw StatusException.serviceUnavailable("no service account token issuer is running", 1);
        }
        ObjectNode spec = request.get("spec") instanceof ObjectNode s ? s : request.putObject("spec");
        if (!(spec.get("audiences") instanceof ArrayNode given) || given.isEmpty()) {
            spec.set("audiences", MAPPER.valueToTree(tokens.apiAudiences()));
        }
        if (!spec.hasNonNull("expirationSeconds")) {
            spec.put("expirationSeconds", DEFAULT_EXPIRATION_SECONDS);
        }
        meta.put("name", name);
        meta.put("namespace", ctx.namespace());
        // JWT times are whole seconds; the answer's expiry is the token's
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        meta.put("creationTimestamp", now.toString());
        request.remove("status");
        long expirationSeconds = spec.get("expirationSeconds").asLong();
        List<FieldCause> causes = new ArrayList<>();
        if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
            causes.add(FieldCause.invalid("spec.expirationSeconds", expirationSeconds, "may not specify a duration less than 10 minutes"));
        }
        if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
            causes.add(FieldCause.invalid("spec.expirationSeconds", expirationSeconds, "may not specify a duration larger than 2^32 seconds"));
        }
        if (!causes.isEmpty()) {
            throw StatusException.invalid("authentication.k8s.io", "TokenRequest", "", causes);
        }
        BoundObject pod = null;
        BoundObject secret = null;
        BoundObject node = null;
        if (spec.get("boundObjectRef") instanceof ObjectNode ref) {
            String apiVersion = Json.text(ref, "apiVersion");
            String kind = Json.text(ref, "kind");
            String refName = Json.text(ref, "name");
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            JsonNode bound = null;
            if (group.isEmpty() && kind.equals("Pod")) {
                bound = required("pods", ctx.namespace(), refName);
                if (!name.equals(bound.path("spec").path("serviceAccountName").asText(""))) {
                    throw StatusException.badRequest("cannot bind token for serviceaccount \"" + name
                            + "\" to pod running with different serviceaccount name.");
                }
                pod = new BoundObject(refName, uid(bound));
                String nodeName = bound.path("spec").path("nodeName").asText("");
                if (!nodeName.isEmpty()) {
                    JsonNode running = read("/registry/nodes/" + nodeName);
                    node = new BoundObject(nodeName, running == null ? "" : uid(running));
                }
            } else if (group.isEmpty() && kind.equals("Secret")) {
                bound = required("secrets", ctx.namespace(), refName);
                secret = new BoundObject(refName, uid(bound));
            } else if (group.isEmpty() && kind.equals("Node")) {
                bound = required("nodes", "", refName);
                node = new BoundObject(refName, uid(bound));
            } else {
                throw StatusException.badRequest("cannot bind token to object of type " + goGroupVersionKind(apiVersion, kind));
            }
            String wantedUid = Json.text(ref, "uid");
            if (!wantedUid.isEmpty() && !wantedUid.equals(uid(bound))) {
                throw StatusException.conflict("", kind, refName, "the UID in the bound object reference (" + wantedUid
                        + ") does not match the UID in record. The object might have been deleted and then recreated");
            }
        }
        List<String> audiences = new ArrayList<>();
        spec.get("audiences").forEach(a -> audiences.add(a.asText()));
        ServiceAccountTokens.Claims claims = new ServiceAccountTokens.Claims(ctx.namespace(), name, account.path("uid").asText(""),
                audiences, now, expirationSeconds, pod, secret, node);
        String token = tokens.issue(claims);
        request.putObject("status").put("token", token).put("expirationTimestamp", claims.expiry().toString());
        return request;
    }

    private JsonNode required(String resource, String namespace, String name) {
        JsonNode o = read("/registry/" + resource + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name);
        if (o == null) {
            throw StatusException.notFound("", resource, name);
        }
        return o;
    }

    private JsonNode read(String key) {
        return StoredObjects.read(storage, key);
    }

    private static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asText("");
    }

    /** Go's {@code schema.GroupVersionKind.String()}: {@code group/version, Kind=kind}. */
    private static String goGroupVersionKind(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind;
    }
}
