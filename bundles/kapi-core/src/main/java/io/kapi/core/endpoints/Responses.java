package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import javax.servlet.http.HttpServletResponse;

/** Writes objects and {@code Status} errors as kube-apiserver's {@code responsewriters} do. */
public final class Responses {
    private Responses() {
    }

    public static ObjectNode status(StatusException e) {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", e.getMessage());
        if (e.reason() != null && !e.reason().isEmpty()) {
            // kube's StatusReasonUnknown is the empty reason, left out of the JSON
            s.put("reason", e.reason());
        }
        boolean hasDetails = e.name() != null || e.kind() != null || !e.causes().isEmpty() || e.retryAfterSeconds() > 0;
        if (hasDetails) {
            ObjectNode d = s.putObject("details");
            if (e.name() != null && !e.name().isEmpty()) {
                d.put("name", e.name());
            }
            if (e.group() != null && !e.group().isEmpty()) {
                d.put("group", e.group());
            }
            if (e.kind() != null && !e.kind().isEmpty()) {
                d.put("kind", e.kind());
            }
            if (!e.causes().isEmpty()) {
                ArrayNode causes = d.putArray("causes");
                for (FieldCause c : e.causes()) {
                    ObjectNode cn = causes.addObject();
                    cn.put("reason", c.type());
                    cn.put("message", c.message());
                    if (c.field() != null && !c.field().isEmpty()) {
                        cn.put("field", c.field());
                    }
                }
            }
            if (e.retryAfterSeconds() > 0) {
                d.put("retryAfterSeconds", e.retryAfterSeconds());
            }
        }
        s.put("code", e.code());
        return s;
    }

    public static ObjectNode success(JsonNode details) {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        if (details != null) {
            s.set("details", details);
        }
        return s;
    }

    /** Writes a Status error, in protobuf when the client prefers it, else JSON. */
    public static void writeError(HttpServletResponse resp, String accept, StatusException e) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        if (e.retryAfterSeconds() > 0) {
            resp.setHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        String media = MediaType.JSON;
        for (MediaType mt : MediaType.parseAccept(accept)) {
            if (mt.type().equals(MediaType.PROTOBUF) && mt.params().isEmpty()) {
                media = MediaType.PROTOBUF;
                break;
            }
            if (mt.isJsonLike() || mt.type().equals(MediaType.YAML)) {
                break;
            }
        }
        write(resp, e.code(), media, status(e));
    }

    public static void write(HttpServletResponse resp, int code, String mediaType, JsonNode object) throws IOException {
        byte[] body = Codecs.encode(mediaType, object);
        resp.setStatus(code);
        resp.setContentType(mediaType);
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }

    public static void writeText(HttpServletResponse resp, int code, String text) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        resp.setStatus(code);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }
}
