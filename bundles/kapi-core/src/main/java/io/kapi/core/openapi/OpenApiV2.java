package io.kapi.core.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.endpoints.MediaType;
import io.kapi.core.json.Json;
import io.kapi.protobuf.OpenApiV2Protobuf;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * OpenAPI v2 (Swagger 2.0) at {@code /openapi/v2}, as kube-apiserver serves it through kube-openapi's
 * handler: JSON, or gnostic's protobuf for {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}
 * (what client-go and kubectl ask for: kubectl 1.27 and 1.28 need it for create, apply, replace,
 * edit and explain, later ones fall back to it); the ETag is the SHA-512 of the JSON, upper-case hex,
 * for both forms, with {@code Vary: Accept} and 304 on {@code If-None-Match}; any other Accept is a 406.
 *
 * <p>The document is the snapshot's OpenAPI v3 documents turned into v2: every path and operation
 * with its {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind} (an operation's as a
 * map, kubectl's field-validation check looks there for a {@code fieldValidation} query parameter),
 * body parameters, responses, and every schema under {@code definitions} with kube-openapi's v2
 * restrictions ({@code $ref} into {@code #/definitions/}, no {@code nullable}, {@code anyOf},
 * {@code oneOf} or {@code not}, an {@code allOf} of one reference becomes the reference). It is built
 * on its first request per snapshot, then kept.
 */
final class OpenApiV2 {
    static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    /** The content type kube-openapi answers protobuf with (the dot form since Feb 2023). */
    static final String PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private static final Set<String> DROPPED = Set.of("nullable", "anyOf", "oneOf", "not");

    private final Supplier<List<ObjectNode>> v3;
    private volatile Served served;

    private record Served(byte[] json, byte[] protobuf, String etag, String lastModified) {
    }

    /** @param v3 the v3 group-version documents of the snapshot */
    OpenApiV2(Supplier<List<ObjectNode>> v3) {
        this.v3 = v3;
    }

    private Served served() {
        Served s = served;
        if (s == null) {
            synchronized (this) {
                s = served;
                if (s == null) {
                    ObjectNode doc = convert(v3.get());
                    byte[] json = Json.bytes(doc);
                    String etag = "\"" + HexFormat.of().formatHex(OpenApi.sha512(json)).toUpperCase() + "\"";
                    String modified = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
                    s = new Served(json, OpenApiV2Protobuf.encode(doc), etag, modified);
                    served = s;
                }
            }
        }
        return s;
    }

    /** Serves the document in the form the Accept header asks for. */
    void serve(HttpServletRequest http, HttpServletResponse resp) throws IOException {
        boolean protobuf = false;
        boolean acceptable = false;
        for (MediaType mt : MediaType.parseAccept(http.getHeader("Accept"))) {
            String t = mt.type();
            if (t.equals(PROTOBUF) || t.equals(PROTOBUF_CONTENT_TYPE)) {
                protobuf = true;
                acceptable = true;
                break;
            }
            if (t.equals(MediaType.JSON) || t.equals("*/*") || t.equals("application/*")) {
                acceptable = true;
                break;
            }
        }
        if (!acceptable) {
            resp.setStatus(406);
            return;
        }
        Served s = served();
        resp.setHeader("Etag", s.etag);
        resp.setHeader("Vary", "Accept");
        resp.setHeader("Last-Modified", s.lastModified);
        String match = http.getHeader("If-None-Match");
        if (match != null && (match.equals(s.etag) || match.equals("*"))) {
            resp.setStatus(304);
            return;
        }
        byte[] body = protobuf ? s.protobuf : s.json;
        resp.setStatus(200);
        resp.setContentType(protobuf ? PROTOBUF_CONTENT_TYPE : MediaType.JSON);
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }

    /** Swagger 2.0 from OpenAPI v3 group-version documents. */
    static ObjectNode convert(List<ObjectNode> documents) {
        ObjectNode doc = Json.object();
        doc.put("swagger", "2.0");
        OpenApi.info(doc);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode definitions = doc.putObject("definitions");
        for (ObjectNode v3 : documents) {
            v3.path("paths").fields().forEachRemaining(e -> paths.set(e.getKey(), pathItem(e.getValue())));
            v3.path("components").path("schemas").fields().forEachRemaining(e -> definitions.set(e.getKey(), schema(e.getValue())));
        }
        // as kube's delegating authenticator declares bearer tokens (authenticatorfactory/delegating.go) and
        // completeOpenAPI makes every declared scheme the default security (server/config.go), in
        // kube-openapi's field order (spec.SecuritySchemeProps, then Swagger's securityDefinitions, security)
        doc.putObject("securityDefinitions").putObject("BearerToken").put("description", "Bearer Token authentication")
                .put("type", "apiKey").put("name", "authorization").put("in", "header");
        doc.putArray("security").addObject().putArray("BearerToken");
        return doc;
    }

    private static ObjectNode pathItem(JsonNode v3) {
        ObjectNode item = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = v3.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("parameters")) {
                item.set("parameters", parameters(e.getValue(), null));
            } else if (e.getValue().isObject() && e.getValue().has("operationId")) {
                item.set(e.getKey(), operation(e.getValue()));
            } else {
                item.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return item;
    }

    private static ObjectNode operation(JsonNode v3) {
        ObjectNode op = Json.object();
        ArrayNode consumes = Json.NODES.arrayNode();
        JsonNode body = v3.path("requestBody");
        body.path("content").fieldNames().forEachRemaining(consumes::add);
        if (!consumes.isEmpty()) {
            op.set("consumes", consumes);
        }
        ArrayNode produces = Json.NODES.arrayNode();
        v3.path("responses").path("200").path("content").fieldNames().forEachRemaining(produces::add);
        if (!produces.isEmpty()) {
            op.set("produces", produces);
        }
        op.putArray("schemes").add("https");
        for (Iterator<Map.Entry<String, JsonNode>> it = v3.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "parameters", "requestBody", "responses" -> {
                    // below
                }
                default -> op.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        op.set("parameters", parameters(v3.path("parameters"), body));
        ObjectNode responses = op.putObject("responses");
        v3.path("responses").fields().forEachRemaining(e -> {
            ObjectNode r = responses.putObject(e.getKey());
            r.put("description", e.getValue().path("description").asText(e.getKey().equals("200") ? "OK" : ""));
            Iterator<JsonNode> content = e.getValue().path("content").elements();
            if (content.hasNext()) {
                r.set("schema", schema(content.next().path("schema")));
            }
        });
        return op;
    }

    /** v3 parameters (a {@code schema} each) as v2 ones (the type inline); a v3 request body as the body parameter. */
    private static ArrayNode parameters(JsonNode v3, JsonNode requestBody) {
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode p : v3) {
            ObjectNode q = Json.object();
            p.fields().forEachRemaining(e -> {
                if (e.getKey().equals("schema")) {
                    e.getValue().fields().forEachRemaining(se -> q.set(se.getKey(), se.getValue().deepCopy()));
                } else {
                    q.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            out.add(q);
        }
        if (requestBody != null && !requestBody.isMissingNode()) {
            Iterator<JsonNode> content = requestBody.path("content").elements();
            ObjectNode b = out.addObject();
            b.put("name", "body");
            b.put("in", "body");
            b.put("required", true);
            b.set("schema", content.hasNext() ? schema(content.next().path("schema")) : Json.object().put("type", "object"));
        }
        return out;
    }

    /** A v3 schema as kube-openapi's v2 has it. */
    static JsonNode schema(JsonNode v3) {
        if (v3.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            v3.forEach(i -> out.add(schema(i)));
            return out;
        }
        if (!v3.isObject()) {
            return v3.deepCopy();
        }
        JsonNode allOf = v3.get("allOf");
        ObjectNode out = Json.object();
        if (allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref")) {
            // kube's v3 wraps a described reference in allOf; v2 keeps the reference and its description
            out.put("$ref", ref(allOf.get(0).get("$ref").asText()));
            if (v3.has("description")) {
                out.set("description", v3.get("description"));
            }
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v3.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (DROPPED.contains(k)) {
                continue;
            }
            switch (k) {
                case "$ref" -> out.put(k, ref(e.getValue().asText()));
                case "properties" -> {
                    ObjectNode props = out.putObject(k);
                    e.getValue().fields().forEachRemaining(pe -> props.set(pe.getKey(), schema(pe.getValue())));
                }
                case "items", "additionalProperties", "allOf" -> out.set(k, schema(e.getValue()));
                default -> out.set(k, e.getValue().deepCopy());
            }
        }
        if (out.has("$ref")) {
            // a v2 reference carries nothing but its description
            out.retain("$ref", "description");
        }
        return out;
    }

    private static String ref(String v3) {
        return v3.replace("#/components/schemas/", "#/definitions/");
    }
}
