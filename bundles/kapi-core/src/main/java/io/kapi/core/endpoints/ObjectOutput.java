package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The form a response takes, as kube's {@code handlers/response.go} transforms it: the object in
 * JSON, YAML or protobuf, a {@code meta.k8s.io/v1} {@code Table} (JSON or YAML, with
 * {@code includeObject=None|Metadata|Object} rows), or {@code PartialObjectMetadata}(List) in JSON or
 * protobuf, negotiated from the Accept header (q-values first, then the client's order).
 */
final class ObjectOutput {
    private static final Logger LOG = Logger.getLogger(ObjectOutput.class.getName());

    private ObjectOutput() {
    }

    enum Output { OBJECT, TABLE, METADATA }

    /** kube's {@code TableOptions.includeObject}: what each row carries of its object. */
    enum IncludeObject { NONE, METADATA, OBJECT }

    record Negotiated(String media, Output output, IncludeObject include) {
    }

    static Negotiated negotiate(HttpServletRequest http, boolean watch) {
        IncludeObject include = includeObject(http.getParameter("includeObject"));
        for (MediaType mt : MediaType.parseAccept(http.getHeader("Accept"))) {
            String as = mt.param("as");
            boolean protobuf = mt.type().equals(MediaType.PROTOBUF);
            if (!as.isEmpty()) {
                if (!mt.isJsonLike() && !mt.type().equals(MediaType.YAML) && !protobuf) {
                    continue;
                }
                if (as.equals("Table") && !protobuf && mt.param("g").equals("meta.k8s.io")
                        && (mt.param("v").equals("v1") || mt.param("v").equals("v1beta1"))) {
                    return new Negotiated(mt.type().equals(MediaType.YAML) ? MediaType.YAML : MediaType.JSON, Output.TABLE, include);
                }
                if ((as.equals("PartialObjectMetadata") || as.equals("PartialObjectMetadataList"))
                        && mt.param("g").equals("meta.k8s.io") && mt.param("v").equals("v1")) {
                    // client-go's metadata informers ask for these in protobuf first
                    return new Negotiated(protobuf ? MediaType.PROTOBUF : MediaType.JSON, Output.METADATA, include);
                }
                continue;
            }
            if (mt.isJsonLike()) {
                return new Negotiated(MediaType.JSON, Output.OBJECT, include);
            }
            if (mt.type().equals(MediaType.YAML) && !watch) {
                return new Negotiated(MediaType.YAML, Output.OBJECT, include);
            }
            if (protobuf) {
                // a watch in protobuf is kube's stream=watch framing, which client-go asks for with the plain type too
                return new Negotiated(MediaType.PROTOBUF, Output.OBJECT, include);
            }
        }
        throw StatusException.notAcceptable("only the following media types are accepted: application/json, "
                + "application/yaml, application/vnd.kubernetes.protobuf");
    }

    private static IncludeObject includeObject(String value) {
        if (value == null || value.isEmpty() || value.equals("Metadata")) {
            return IncludeObject.METADATA;
        }
        return switch (value) {
            case "None" -> IncludeObject.NONE;
            case "Object" -> IncludeObject.OBJECT;
            default -> throw StatusException.badRequest("unrecognized includeObject value: " + io.kapi.api.rest.FieldCause.goQuote(value));
        };
    }

    /** Writes an object or a list in the negotiated form; a Status is always written as itself. */
    static void write(ServedResource resource, HttpServletResponse resp, Negotiated n, int code, ObjectNode obj, boolean isList)
            throws IOException {
        if ("Status".equals(Json.text(obj, "kind"))) {
            send(resp, code, n.media(), StreamedBody.whole(obj));
        } else if (isList && obj.get("items") instanceof ArrayNode) {
            writeList(resource, resp, n, code, ListSource.of(obj));
        } else {
            send(resp, code, n.media(), StreamedBody.whole(transform(resource, n, obj, isList)));
        }
    }

    /** Writes a list in the negotiated form, each item taken from {@code list} only as it is written. */
    static void writeList(ServedResource resource, HttpServletResponse resp, Negotiated n, int code, ListSource list) throws IOException {
        send(resp, code, n.media(), body(resource, n, list));
    }

    /**
     * Encodes the body onto the response as it is produced (see {@link ResponseBody}). A failure before the
     * response is committed becomes the answer (the caller's Status); after, as kube's {@code SerializeObject}
     * once its writer has written: the error is logged, its Status is written after what went out as a
     * best effort, and the body ends (the status line cannot change any more).
     */
    private static void send(HttpServletResponse resp, int code, String media, StreamedBody body) throws IOException {
        String form = media.equals(MediaType.PROTOBUF) && !Codecs.PROTOBUF.canEncode(body.apiVersion(), body.kind())
                ? MediaType.JSON : media;
        send(resp, code, form, body.kind(), out -> BodyEncoder.encode(body, form, out));
    }

    /** Writes a body already in its form, {@code media}. */
    interface Encoded {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /**
     * Writes the body {@code encoded} writes (of a {@code kind}, for the log) as {@link #send(HttpServletResponse,
     * int, String, StreamedBody)} does, with its handling of a failure before and after the response began.
     */
    static void send(HttpServletResponse resp, int code, String media, String kind, Encoded encoded) throws IOException {
        ResponseBody out = new ResponseBody(resp, code, media);
        try {
            encoded.writeTo(out);
        } catch (RuntimeException e) {
            if (!out.started() || !resp.isCommitted()) {
                out.abandon();
                throw e;
            }
            StatusException status = e instanceof StatusException se ? se
                    : StatusException.internal(e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.log(Level.WARNING, "unable to write a " + kind + " response after it began; its Status follows what was sent", e);
            out.write(Codecs.encode(media, Responses.status(status)));
        }
        out.finish();
    }

    /** A list in the negotiated output form, its items or rows produced as they are written. */
    static StreamedBody body(ServedResource resource, Negotiated n, ListSource list) {
        return switch (n.output()) {
            case TABLE -> TableForm.list(resource, list, n.include());
            case METADATA -> {
                ObjectNode p = Json.object();
                p.put("kind", "PartialObjectMetadataList");
                p.put("apiVersion", "meta.k8s.io/v1");
                p.set("metadata", list.metadata());
                p.putArray("items");
                yield new StreamedBody(p, "items", list.size(), i -> partialMetadata(list.item().apply(i)));
            }
            case OBJECT -> new StreamedBody(list.envelope(), "items", list.size(), list.item());
        };
    }

    /** The object (or list) in the negotiated output form; {@code obj} is only read. */
    static ObjectNode transform(ServedResource resource, Negotiated n, ObjectNode obj, boolean isList) {
        return switch (n.output()) {
            case TABLE -> TableForm.table(resource, obj, isList, n.include());
            case METADATA -> isList ? BodyEncoder.whole(body(resource, n, ListSource.of(obj))) : partialMetadata(obj);
            case OBJECT -> obj;
        };
    }

    static ObjectNode partialMetadata(ObjectNode obj) {
        ObjectNode p = Json.object();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", "meta.k8s.io/v1");
        p.set("metadata", obj.get("metadata"));
        return p;
    }
}
