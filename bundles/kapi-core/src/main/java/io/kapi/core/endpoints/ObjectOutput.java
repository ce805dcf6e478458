package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The form a response takes, as kube's {@code handlers/response.go} transforms it: the object in
 * JSON, YAML or protobuf, a {@code meta.k8s.io/v1} {@code Table} (JSON or YAML, with
 * {@code includeObject=None|Metadata|Object} rows), or {@code PartialObjectMetadata}(List) in JSON or
 * protobuf, negotiated from the Accept header (q-values first, then the client's order).
 */
final class ObjectOutput {
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
        JsonNode out = "Status".equals(Json.text(obj, "kind")) ? obj : transform(resource, n, obj, isList);
        String media = n.media();
        if (media.equals(MediaType.PROTOBUF) && !Codecs.PROTOBUF.canEncode(Json.text(out, "apiVersion"), Json.text(out, "kind"))) {
            media = MediaType.JSON;
        }
        Responses.write(resp, code, media, out);
    }

    /** The object (or list) in the negotiated output form; {@code obj} is only read. */
    static ObjectNode transform(ServedResource resource, Negotiated n, ObjectNode obj, boolean isList) {
        return switch (n.output()) {
            case TABLE -> table(resource, obj, isList, n.include());
            case METADATA -> isList ? metadataList(obj) : partialMetadata(obj);
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

    private static ObjectNode metadataList(ObjectNode list) {
        ObjectNode p = Json.object();
        p.put("kind", "PartialObjectMetadataList");
        p.put("apiVersion", "meta.k8s.io/v1");
        p.set("metadata", list.get("metadata"));
        ArrayNode items = p.putArray("items");
        for (JsonNode item : list.path("items")) {
            items.add(partialMetadata((ObjectNode) item));
        }
        return p;
    }

    /** A {@code meta.k8s.io/v1 Table} of one object or a list. */
    static ObjectNode table(ServedResource resource, ObjectNode obj, boolean isList, IncludeObject include) {
        TableConvertor convertor = resource.storage() instanceof TableConvertor t ? t : io.kapi.api.rest.Printer.nameAndAge();
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode tm = table.putObject("metadata");
        if (isList) {
            JsonNode lm = obj.get("metadata");
            if (lm != null) {
                lm.fields().forEachRemaining(e -> tm.set(e.getKey(), e.getValue()));
            }
        } else {
            tm.put("resourceVersion", Json.text(obj.get("metadata"), "resourceVersion"));
        }
        List<TableColumn> columns = convertor.columns();
        ArrayNode defs = table.putArray("columnDefinitions");
        for (TableColumn c : columns) {
            ObjectNode d = defs.addObject();
            d.put("name", c.name());
            d.put("type", c.type());
            d.put("format", c.format());
            d.put("description", c.description());
            d.put("priority", c.priority());
        }
        ArrayNode rows = table.putArray("rows");
        if (isList) {
            for (JsonNode item : obj.path("items")) {
                rows.add(row(convertor, (ObjectNode) item, include));
            }
        } else {
            rows.add(row(convertor, obj, include));
        }
        return table;
    }

    private static ObjectNode row(TableConvertor convertor, ObjectNode obj, IncludeObject include) {
        ObjectNode row = Json.object();
        ArrayNode cells = row.putArray("cells");
        List<Object> values = convertor.cells(obj);
        for (Object v : values) {
            cells.add(Json.MAPPER.valueToTree(v));
        }
        switch (include) {
            case METADATA -> row.set("object", partialMetadata(obj));
            case OBJECT -> row.set("object", obj);
            case NONE -> {
                // no object in the row
            }
        }
        return row;
    }
}
