package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.core.json.Json;
import java.util.List;

/**
 * A {@code meta.k8s.io/v1 Table} of one object or a list (kube's {@code asTable}), its rows with what
 * {@code includeObject} asks for. A list's rows are produced one at a time as the Table is written; its
 * columns before anything is.
 */
final class TableForm {
    private TableForm() {
    }

    private static TableConvertor convertor(ServedResource resource) {
        return resource.storage() instanceof TableConvertor t ? t : io.kapi.api.rest.Printer.nameAndAge();
    }

    /** The Table of a list: its envelope whole, its rows converted as they are written. */
    static StreamedBody list(ServedResource resource, ListSource list, ObjectOutput.IncludeObject include) {
        TableConvertor convertor = convertor(resource);
        ObjectNode table = envelope(convertor);
        ObjectNode tm = (ObjectNode) table.get("metadata");
        JsonNode lm = list.metadata();
        if (lm != null) {
            lm.fields().forEachRemaining(e -> tm.set(e.getKey(), e.getValue()));
        }
        table.putArray("rows");
        return new StreamedBody(table, "rows", list.size(), i -> row(convertor, list.item().apply(i), include));
    }

    /** The whole Table of an object, or of a list held whole. */
    static ObjectNode table(ServedResource resource, ObjectNode obj, boolean isList, ObjectOutput.IncludeObject include) {
        if (isList) {
            return BodyEncoder.whole(list(resource, ListSource.of(obj), include));
        }
        TableConvertor convertor = convertor(resource);
        ObjectNode table = envelope(convertor);
        ((ObjectNode) table.get("metadata")).put("resourceVersion", Json.text(obj.get("metadata"), "resourceVersion"));
        table.putArray("rows").add(row(convertor, obj, include));
        return table;
    }

    /** kind, apiVersion, an empty metadata and the column definitions. */
    private static ObjectNode envelope(TableConvertor convertor) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata");
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
        return table;
    }

    static ObjectNode row(TableConvertor convertor, ObjectNode obj, ObjectOutput.IncludeObject include) {
        ObjectNode row = Json.object();
        ArrayNode cells = row.putArray("cells");
        List<Object> values = convertor.cells(obj);
        for (Object v : values) {
            cells.add(Json.MAPPER.valueToTree(v));
        }
        switch (include) {
            case METADATA -> row.set("object", ObjectOutput.partialMetadata(obj));
            case OBJECT -> row.set("object", obj);
            case NONE -> {
                // no object in the row
            }
        }
        return row;
    }
}
