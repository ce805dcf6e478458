package ${package};

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What is particular to a ${kind}: spec.size defaults to 1 and must be between 1 and 100, spec.color
 * is required; kubectl get shows Color and Size; a field selector may name spec.color. Everything
 * else (metadata, storage, watch, patch, apply, dry run) is the server's.
 */
final class ${kind}Strategy implements Strategy {
    static final int MAX_SIZE = 100;

    @Override
    public void applyDefaults(ObjectNode object) {
        if (object.get("spec") instanceof ObjectNode spec && !spec.has("size")) {
            spec.put("size", 1);
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.get("spec");
        if (Json.text(spec, "color").isEmpty()) {
            causes.add(FieldCause.required("spec.color", ""));
        }
        if (spec != null && spec.has("size")) {
            long size = spec.get("size").asLong();
            if (size < 1 || size > MAX_SIZE) {
                causes.add(FieldCause.invalid("spec.size", size, "must be between 1 and " + MAX_SIZE + ", inclusive"));
            }
        }
        return causes;
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("spec.color", Json.text(object.get("spec"), "color"));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Color", "string", "The color of the ${kind.toLowerCase()}"), o -> Json.text(o.get("spec"), "color"))
                .column(TableColumn.of("Size", "integer", "The size of the ${kind.toLowerCase()}"), o -> o.path("spec").path("size").asLong())
                .age().build();
    }
}
