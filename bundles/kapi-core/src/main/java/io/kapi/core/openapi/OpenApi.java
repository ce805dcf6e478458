package io.kapi.core.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.server.Director;
import io.kapi.core.discovery.GroupView;
import io.kapi.core.endpoints.PathSlashes;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletResponse;

/**
 * OpenAPI v3 as kube-apiserver serves it: an index of group-version documents with content hashes,
 * and per group-version documents whose operations carry {@code x-kubernetes-group-version-kind}
 * and the {@code fieldValidation} parameter (kubectl looks for it to use server-side validation)
 * and whose schemas carry {@code x-kubernetes-group-version-kind} (what {@code kubectl explain} finds).
 */
public final class OpenApi {
    private static final ObjectNode COMMON = Json.resource(OpenApi.class, "common-schemas.json");
    private final Map<String, byte[]> docs = new LinkedHashMap<>();
    private final Map<String, String> hashes = new LinkedHashMap<>();
    private final byte[] index;
    private final OpenApiV2 v2 = new OpenApiV2(this::v3Documents);

    public OpenApi(List<GroupView> groups) {
        ObjectNode paths = Json.object();
        for (GroupView g : groups) {
            for (String v : g.versions()) {
                String key = g.group().isEmpty() ? "api/" + v : "apis/" + g.group() + "/" + v;
                byte[] doc = Json.bytes(document(g, v));
                String hash = HexFormat.of().formatHex(sha512(doc)).toUpperCase();
                docs.put(key, doc);
                hashes.put(key, hash);
                paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash);
            }
        }
        ObjectNode idx = Json.object();
        idx.set("paths", paths);
        index = Json.bytes(idx);
    }

    /** The components name kube uses for a kind, e.g. io.k8s.api.core.v1.ConfigMap. */
    public static String schemaName(String group, String version, String kind) {
        String pkg;
        if (group.isEmpty()) {
            pkg = "io.k8s.api.core";
        } else if (!group.contains(".")) {
            pkg = "io.k8s.api." + group; // kube's own groups without a domain: apps, batch, autoscaling, policy
        } else if (group.endsWith(".k8s.io")) {
            pkg = "io.k8s.api." + group.substring(0, group.indexOf('.'));
        } else {
            String[] parts = group.split("\\.");
            StringBuilder sb = new StringBuilder();
            for (int i = parts.length - 1; i >= 0; i--) {
                sb.append(parts[i]).append(i > 0 ? "." : "");
            }
            pkg = sb.toString();
        }
        return pkg + "." + version + "." + kind;
    }

    /** The {@code info} every document carries, v3 and v2: kube-apiserver's title and version. */
    static void info(ObjectNode doc) {
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", "v1.32.0");
    }

    private static ObjectNode document(GroupView g, String version) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        info(doc);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        COMMON.fields().forEachRemaining(e -> schemas.set(e.getKey(), e.getValue()));
        String prefix = g.group().isEmpty() ? "/api/" + version : "/apis/" + g.group() + "/" + version;
        for (ServedResource r : g.resources().getOrDefault(version, List.of())) {
            // the named schemas the kind's schema refers to (kube's components of its group-version)
            if (r.definition() != null && r.definition().definitions() != null) {
                r.definition().definitions().fields().forEachRemaining(e -> schemas.set(e.getKey(), e.getValue()));
            }
        }
        for (ServedResource r : g.resources().getOrDefault(version, List.of())) {
            String kind = r.meta().kind();
            String name = schemaName(g.group(), version, kind);
            ObjectNode gvk = Json.object();
            gvk.put("group", g.group());
            gvk.put("kind", kind);
            gvk.put("version", version);
            ObjectNode schema = r.definition().schema() == null ? defaultSchema() : r.definition().schema().deepCopy();
            schema.putArray("x-kubernetes-group-version-kind").add(gvk.deepCopy());
            schemas.set(name, schema);
            ObjectNode listSchema = Json.object();
            listSchema.put("description", kind + "List is a list of " + kind + " objects.");
            listSchema.put("type", "object");
            listSchema.putArray("required").add("items");
            ObjectNode lp = listSchema.putObject("properties");
            lp.putObject("apiVersion").put("type", "string");
            lp.putObject("kind").put("type", "string");
            ObjectNode items = lp.putObject("items");
            items.put("type", "array");
            items.putObject("items").put("$ref", "#/components/schemas/" + name);
            lp.putObject("metadata").put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
            ObjectNode listGvk = gvk.deepCopy();
            listGvk.put("kind", kind + "List");
            listSchema.putArray("x-kubernetes-group-version-kind").add(listGvk);
            schemas.set(name + "List", listSchema);

            String collection = prefix + (r.meta().namespaced() ? "/namespaces/{namespace}/" : "/") + r.meta().resource();
            String item = collection + "/{name}";
            ObjectNode cp = paths.putObject(collection);
            ObjectNode ip = paths.putObject(item);
            List<String> verbs = r.verbs();
            if (verbs.contains("list")) {
                cp.set("get", operation("list" + kind, "list", gvk, name + "List", false));
            }
            if (verbs.contains("create")) {
                cp.set("post", operation("create" + kind, "post", gvk, name, true));
            }
            if (verbs.contains("deletecollection")) {
                cp.set("delete", operation("deletecollection" + kind, "deletecollection", gvk,
                        "io.k8s.apimachinery.pkg.apis.meta.v1.Status", false));
            }
            itemOperations(ip, kind, gvk, name, verbs, r.meta().namespaced());
            if (r.meta().namespaced()) {
                cp.putArray("parameters").add(pathParam("namespace", "object name and auth scope, such as for teams and projects"));
            }
            r.subresources().forEach((sub, served) -> {
                // kube's operations on a subresource: readNamespacedDeploymentStatus, ... of the subresource's kind
                String subKind = served.meta().kind();
                ObjectNode subGvk = Json.object();
                subGvk.put("group", served.meta().group());
                subGvk.put("kind", subKind);
                subGvk.put("version", served.meta().version());
                String subSchema = subKind.equals(kind) && served.meta().group().equals(g.group()) ? name
                        : schemaName(served.meta().group(), served.meta().version(), subKind);
                String suffix = Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
                ObjectNode subPath = paths.putObject(item + "/" + sub);
                if (served.storage() instanceof io.kapi.api.rest.Connecter c) {
                    // kube's connect operations (connectGetNamespacedPodExec, ...): options in the query, a string back
                    for (String method : c.connectMethods()) {
                        String m = method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
                        subPath.set(method.toLowerCase(java.util.Locale.ROOT), connect("connect" + m
                                + (r.meta().namespaced() ? "Namespaced" : "") + kind + suffix, subGvk));
                    }
                    return;
                }
                itemOperations(subPath, kind + suffix, subGvk, subSchema, served.verbs(), r.meta().namespaced());
                if (served.verbs().contains("create")) {
                    // a POST to the subresource of one object (createNamespacedPodBinding, createNamespacedPodEviction)
                    subPath.set("post", operation("create" + kind + suffix, "post", subGvk, subSchema, true));
                }
            });
        }
        return doc;
    }

    /** The operations on one object's path (or one of its subresources'), for the verbs served there. */
    private static void itemOperations(ObjectNode ip, String id, ObjectNode gvk, String schema, List<String> verbs,
                                       boolean namespaced) {
        if (verbs.contains("get")) {
            ip.set("get", operation("read" + id, "get", gvk, schema, false));
        }
        if (verbs.contains("update")) {
            ip.set("put", operation("replace" + id, "put", gvk, schema, true));
        }
        if (verbs.contains("patch")) {
            ObjectNode patch = operation("patch" + id, "patch", gvk, schema, false);
            ObjectNode body = patch.putObject("requestBody");
            ObjectNode content = body.putObject("content");
            for (String t : List.of("application/apply-patch+yaml", "application/json-patch+json",
                    "application/merge-patch+json", "application/strategic-merge-patch+json")) {
                content.putObject(t).putObject("schema").put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
            }
            body.put("required", true);
            ip.set("patch", patch);
        }
        if (verbs.contains("delete")) {
            ip.set("delete", operation("delete" + id, "delete", gvk,
                    "io.k8s.apimachinery.pkg.apis.meta.v1.Status", false));
        }
        ArrayNode params = ip.putArray("parameters");
        params.add(pathParam("name", "name of the " + gvk.path("kind").asText()));
        if (namespaced) {
            params.add(pathParam("namespace", "object name and auth scope, such as for teams and projects"));
        }
    }

    private static ObjectNode defaultSchema() {
        ObjectNode s = Json.object();
        s.put("type", "object");
        s.put("x-kubernetes-preserve-unknown-fields", true);
        return s;
    }

    private static ObjectNode pathParam(String name, String description) {
        ObjectNode p = Json.object();
        p.put("name", name);
        p.put("in", "path");
        p.put("description", description);
        p.put("required", true);
        p.putObject("schema").put("type", "string");
        p.put("uniqueItems", true);
        return p;
    }

    private static ObjectNode connect(String id, ObjectNode gvk) {
        ObjectNode op = Json.object();
        op.put("operationId", id);
        op.put("x-kubernetes-action", "connect");
        op.set("x-kubernetes-group-version-kind", gvk.deepCopy());
        ObjectNode ok = op.putObject("responses").putObject("200");
        ok.put("description", "OK");
        ok.putObject("content").putObject("*/*").putObject("schema").put("type", "string");
        op.with("responses").putObject("401").put("description", "Unauthorized");
        return op;
    }

    private static ObjectNode operation(String id, String action, ObjectNode gvk, String responseSchema, boolean body) {
        ObjectNode op = Json.object();
        op.put("operationId", id);
        op.put("x-kubernetes-action", action);
        op.set("x-kubernetes-group-version-kind", gvk.deepCopy());
        ArrayNode params = op.putArray("parameters");
        if (!action.equals("get") && !action.equals("list")) {
            params.add(queryParam("dryRun", "When present, indicates that modifications should not be persisted."));
            if (!action.equals("delete") && !action.equals("deletecollection")) {
                params.add(queryParam("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."));
                params.add(queryParam("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Strict - Warn"));
            }
        }
        if (body) {
            ObjectNode rb = op.putObject("requestBody");
            ObjectNode content = rb.putObject("content");
            content.putObject("*/*").putObject("schema").put("$ref", "#/components/schemas/" + responseSchema);
            rb.put("required", true);
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "OK");
        ObjectNode content = ok.putObject("content");
        for (String t : List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")) {
            content.putObject(t).putObject("schema").put("$ref", "#/components/schemas/" + responseSchema);
        }
        responses.putObject("401").put("description", "Unauthorized");
        return op;
    }

    private static ObjectNode queryParam(String name, String description) {
        ObjectNode p = Json.object();
        p.put("name", name);
        p.put("in", "query");
        p.put("description", description);
        p.putObject("schema").put("type", "string");
        p.put("uniqueItems", true);
        return p;
    }

    /** The group-version documents, parsed again (for the v2 document, built on its first request). */
    private List<ObjectNode> v3Documents() {
        List<ObjectNode> out = new java.util.ArrayList<>();
        for (byte[] doc : docs.values()) {
            try {
                out.add(Json.parseObject(doc));
            } catch (IOException e) {
                throw new IllegalStateException("a document this class wrote does not parse", e);
            }
        }
        return out;
    }

    static byte[] sha512(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves {@code /openapi/v2}, {@code /openapi/v3} and {@code /openapi/v3/<gv>}; other /openapi paths are not found. */
    public Director director() {
        return (request, resp) -> {
            String path = PathSlashes.trimTrailing(request.info().path());
            if (path.equals("/openapi/v2")) {
                v2.serve(request.http(), resp);
                return true;
            }
            if (path.equals("/openapi/v3")) {
                write(resp, index, null);
                return true;
            }
            if (path.startsWith("/openapi/v3/")) {
                String key = path.substring("/openapi/v3/".length());
                byte[] doc = docs.get(key);
                if (doc == null) {
                    return false;
                }
                String hash = request.http().getParameter("hash");
                if (hash != null && !hash.isEmpty() && !hash.equals(hashes.get(key))) {
                    // kube-openapi's answer to a stale hash (a client's cached index): to the current document
                    resp.setStatus(301);
                    resp.setHeader("Location", "/openapi/v3/" + key + "?hash=" + hashes.get(key));
                    return true;
                }
                resp.setHeader("Etag", "\"" + hashes.get(key) + "\"");
                write(resp, doc, hash != null && hash.equals(hashes.get(key)) ? "public, immutable" : "no-cache, private");
                return true;
            }
            return false;
        };
    }

    private static void write(HttpServletResponse resp, byte[] body, String cacheControl) throws IOException {
        resp.setStatus(200);
        resp.setContentType("application/json");
        if (cacheControl != null) {
            resp.setHeader("Cache-Control", cacheControl);
        }
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }

    static JsonNode common() {
        return COMMON;
    }

    /** The schema a {@code $ref} of a resource's schema names among the shared ones (ObjectMeta, ...); null if none. */
    public static JsonNode commonSchema(String ref) {
        String prefix = "#/components/schemas/";
        return ref.startsWith(prefix) ? COMMON.get(ref.substring(prefix.length())) : null;
    }

    /**
     * What a {@code $ref} in {@code definition}'s schema points at: one of the definition's own named
     * schemas, else kube's object and list metadata ({@link #commonSchema}).
     */
    public static java.util.function.Function<String, JsonNode> refs(io.kapi.api.rest.ResourceDefinition definition) {
        ObjectNode own = definition == null ? null : definition.definitions();
        if (own == null) {
            return OpenApi::commonSchema;
        }
        String prefix = "#/components/schemas/";
        return ref -> {
            if (!ref.startsWith(prefix)) {
                return null;
            }
            JsonNode found = own.get(ref.substring(prefix.length()));
            return found != null ? found : commonSchema(ref);
        };
    }
}
