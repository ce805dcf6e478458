package io.kapi.core.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Director;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.endpoints.MediaType;
import io.kapi.core.endpoints.PathSlashes;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletResponse;

/**
 * Immutable discovery documents for a set of groups, built once per snapshot; requests only write
 * prepared bytes. Aggregated discovery (apidiscovery.k8s.io v2, and v2beta1 of the same shape)
 * carries an ETag and answers 304 to a matching If-None-Match, as kube does.
 */
public final class Discovery {
    private final List<GroupView> groups;
    private final byte[] apiVersions;
    private final byte[] apiGroupList;
    private final Map<String, byte[]> groupDocs = new LinkedHashMap<>();
    private final Map<String, byte[]> resourceLists = new LinkedHashMap<>();
    private final Doc aggregatedLegacy;
    private final Doc aggregatedApis;
    private final Doc aggregatedLegacyBeta;
    private final Doc aggregatedApisBeta;

    private record Doc(byte[] body, String etag) {
    }

    public Discovery(List<GroupView> groups) {
        this.groups = List.copyOf(groups);
        ObjectNode versions = Json.object();
        versions.put("kind", "APIVersions");
        ArrayNode vs = versions.putArray("versions");
        ObjectNode groupList = Json.object();
        groupList.put("kind", "APIGroupList");
        groupList.put("apiVersion", "v1");
        ArrayNode gl = groupList.putArray("groups");
        for (GroupView g : groups) {
            if (g.group().isEmpty()) {
                g.versions().forEach(vs::add);
            } else {
                ObjectNode gd = groupDoc(g);
                gl.add(gd.deepCopy().without(List.of("kind", "apiVersion")));
                groupDocs.put(g.group(), Json.bytes(gd));
            }
            for (String v : g.versions()) {
                resourceLists.put(GroupView.groupVersion(g.group(), v), Json.bytes(resourceList(g, v)));
            }
        }
        ObjectNode cidr = versions.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", "");
        this.apiVersions = Json.bytes(versions);
        this.apiGroupList = Json.bytes(groupList);
        this.aggregatedLegacy = aggregated(true, "v2");
        this.aggregatedApis = aggregated(false, "v2");
        this.aggregatedLegacyBeta = aggregated(true, "v2beta1");
        this.aggregatedApisBeta = aggregated(false, "v2beta1");
    }

    private static ObjectNode groupDoc(GroupView g) {
        ObjectNode gd = Json.object();
        gd.put("kind", "APIGroup");
        gd.put("apiVersion", "v1");
        gd.put("name", g.group());
        ArrayNode versions = gd.putArray("versions");
        for (String v : g.versions()) {
            ObjectNode vd = versions.addObject();
            vd.put("groupVersion", GroupView.groupVersion(g.group(), v));
            vd.put("version", v);
        }
        ObjectNode pref = gd.putObject("preferredVersion");
        pref.put("groupVersion", GroupView.groupVersion(g.group(), g.preferredVersion()));
        pref.put("version", g.preferredVersion());
        return gd;
    }

    private static ObjectNode resourceList(GroupView g, String version) {
        ObjectNode rl = Json.object();
        rl.put("kind", "APIResourceList");
        rl.put("apiVersion", "v1");
        rl.put("groupVersion", GroupView.groupVersion(g.group(), version));
        ArrayNode rs = rl.putArray("resources");
        for (ServedResource r : g.resources().getOrDefault(version, List.of())) {
            ObjectNode rd = rs.addObject();
            rd.put("name", r.meta().resource());
            rd.put("singularName", singular(r));
            rd.put("namespaced", r.meta().namespaced());
            rd.put("kind", r.meta().kind());
            ArrayNode verbs = rd.putArray("verbs");
            r.verbs().forEach(verbs::add);
            namesAndCategories(rd, r);
            rd.put("storageVersionHash", storageVersionHash(r));
            // kube lists a subresource as a resource of its own, "deployments/scale", with its kind
            r.subresources().forEach((name, sub) -> {
                ObjectNode sd = rs.addObject();
                sd.put("name", r.meta().resource() + "/" + name);
                sd.put("singularName", "");
                sd.put("namespaced", r.meta().namespaced());
                if (!sub.meta().group().equals(r.meta().group()) || !sub.meta().version().equals(r.meta().version())) {
                    sd.put("group", sub.meta().group());
                    sd.put("version", sub.meta().version());
                }
                sd.put("kind", sub.meta().kind());
                ArrayNode sv = sd.putArray("verbs");
                sub.verbs().forEach(sv::add);
            });
        }
        return rl;
    }

    private static void namesAndCategories(ObjectNode rd, ServedResource r) {
        if (!r.definition().shortNames().isEmpty()) {
            ArrayNode sn = rd.putArray("shortNames");
            r.definition().shortNames().forEach(sn::add);
        }
        if (!r.definition().categories().isEmpty()) {
            ArrayNode cs = rd.putArray("categories");
            r.definition().categories().forEach(cs::add);
        }
    }

    private static String singular(ServedResource r) {
        String s = r.definition().singular();
        return s == null || s.isEmpty() ? r.meta().kind().toLowerCase() : s;
    }

    /**
     * As kube: base64 of the first 8 bytes of sha256("group/version/kind") of the storage version, so
     * that every served version of a resource has the same hash, which changes when the storage version does.
     */
    static String storageVersionHash(ServedResource r) {
        io.kapi.api.rest.SharedStorage shared = r.definition() == null ? null : r.definition().sharedStorage();
        // objects stored as another resource's have that resource's storage version (kube's events.k8s.io Events)
        String stored = shared != null ? shared.group() + "/" + shared.version() + "/" + shared.kind()
                : r.meta().group() + "/" + r.storageVersion() + "/" + r.meta().kind();
        byte[] d = sha256(stored.getBytes());
        return java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(d, 8));
    }

    private Doc aggregated(boolean legacy, String version) {
        ObjectNode list = Json.object();
        list.put("kind", "APIGroupDiscoveryList");
        list.put("apiVersion", "apidiscovery.k8s.io/" + version);
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        for (GroupView g : groups) {
            if (g.group().isEmpty() != legacy) {
                continue;
            }
            ObjectNode item = items.addObject();
            ObjectNode md = item.putObject("metadata");
            if (!g.group().isEmpty()) {
                md.put("name", g.group());
            }
            md.putNull("creationTimestamp");
            ArrayNode versions = item.putArray("versions");
            for (String v : g.versions()) {
                ObjectNode vd = versions.addObject();
                vd.put("version", v);
                ArrayNode rs = vd.putArray("resources");
                for (ServedResource r : g.resources().getOrDefault(v, List.of())) {
                    ObjectNode rd = rs.addObject();
                    rd.put("resource", r.meta().resource());
                    ObjectNode rk = rd.putObject("responseKind");
                    rk.put("group", r.meta().group());
                    rk.put("version", v);
                    rk.put("kind", r.meta().kind());
                    rd.put("scope", r.meta().namespaced() ? "Namespaced" : "Cluster");
                    rd.put("singularResource", singular(r));
                    ArrayNode verbs = rd.putArray("verbs");
                    r.verbs().forEach(verbs::add);
                    namesAndCategories(rd, r);
                    if (!r.subresources().isEmpty()) {
                        ArrayNode subs = rd.putArray("subresources");
                        r.subresources().forEach((name, sub) -> {
                            ObjectNode sd = subs.addObject();
                            sd.put("subresource", name);
                            ObjectNode sk = sd.putObject("responseKind");
                            sk.put("group", sub.meta().group());
                            sk.put("version", sub.meta().version());
                            sk.put("kind", sub.meta().kind());
                            ArrayNode sv = sd.putArray("verbs");
                            sub.verbs().forEach(sv::add);
                        });
                    }
                }
                vd.put("freshness", "Current");
            }
        }
        byte[] body = Json.bytes(list);
        return new Doc(body, "\"" + HexFormat.of().formatHex(sha256(body)).toUpperCase() + "\"");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Which aggregated version the Accept header asks for: "v2", "v2beta1" or null for legacy documents. */
    static String aggregatedVersion(String accept) {
        for (MediaType mt : MediaType.parseAccept(accept)) {
            if ("APIGroupDiscoveryList".equals(mt.param("as")) && "apidiscovery.k8s.io".equals(mt.param("g"))) {
                String v = mt.param("v");
                if (v.equals("v2") || v.equals("v2beta1")) {
                    return v;
                }
                continue;
            }
            if (mt.isJsonLike() || mt.type().equals(MediaType.PROTOBUF)) {
                return null;
            }
        }
        return null;
    }

    /** Serves {@code /api} and {@code /apis} (root discovery). */
    public Director root() {
        return (request, resp) -> {
            RequestInfo info = request.info();
            String path = PathSlashes.trimTrailing(info.path());
            if (!path.equals("/api") && !path.equals("/apis")) {
                return false;
            }
            boolean legacy = path.equals("/api");
            String agg = aggregatedVersion(request.http().getHeader("Accept"));
            if (agg != null) {
                Doc doc = legacy ? (agg.equals("v2") ? aggregatedLegacy : aggregatedLegacyBeta)
                        : (agg.equals("v2") ? aggregatedApis : aggregatedApisBeta);
                resp.setHeader("ETag", doc.etag);
                resp.setHeader("Vary", "Accept");
                if (doc.etag.equals(request.http().getHeader("If-None-Match"))) {
                    resp.setStatus(304);
                    return true;
                }
                writeBytes(resp, "application/json;g=apidiscovery.k8s.io;v=" + agg + ";as=APIGroupDiscoveryList", doc.body);
                return true;
            }
            resp.setHeader("Vary", "Accept");
            writeBytes(resp, MediaType.JSON, legacy ? apiVersions : apiGroupList);
            return true;
        };
    }

    /** Serves {@code /api/v1}, {@code /apis/<group>} and {@code /apis/<group>/<version>}. */
    public boolean serveGroupDocs(ApiRequest request, HttpServletResponse resp) throws IOException {
        RequestInfo info = request.info();
        if (info.resourceRequest() || info.apiPrefix().isEmpty()) {
            return false;
        }
        if (info.apiPrefix().equals("api")) {
            if (info.apiVersion().isEmpty()) {
                return false;
            }
            byte[] doc = resourceLists.get(info.apiVersion());
            if (doc == null) {
                return false;
            }
            writeBytes(resp, MediaType.JSON, doc);
            return true;
        }
        if (info.apiGroup().isEmpty()) {
            return false;
        }
        byte[] doc = info.apiVersion().isEmpty() ? groupDocs.get(info.apiGroup())
                : resourceLists.get(info.apiGroup() + "/" + info.apiVersion());
        if (doc == null) {
            return false;
        }
        writeBytes(resp, MediaType.JSON, doc);
        return true;
    }

    static void writeBytes(HttpServletResponse resp, String contentType, byte[] body) throws IOException {
        resp.setStatus(200);
        resp.setContentType(contentType);
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }

    /** Groups merged from several servers, the first server's claim of a group winning (chain order). */
    public static List<GroupView> merge(List<List<GroupView>> perServer) {
        Map<String, GroupView> merged = new LinkedHashMap<>();
        for (List<GroupView> gs : perServer) {
            for (GroupView g : gs) {
                merged.putIfAbsent(g.group(), g);
            }
        }
        List<GroupView> out = new ArrayList<>(merged.values());
        return out;
    }

}
