package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's secret strategy: {@code stringData} folded into {@code data} (kube does it in conversion),
 * type defaulted to Opaque and immutable, key validation, the 1 MiB limit, {@code type} selectable.
 */
final class SecretStrategy implements Strategy {
    /** Decoding's work in kube: the type defaulted, stringData folded into data (a write-only field). */
    @Override
    public void applyDefaults(ObjectNode object) {
        normalize(object);
    }

    private static void normalize(ObjectNode object) {
        if (Json.text(object, "type").isEmpty()) {
            object.put("type", "Opaque");
        }
        JsonNode sd = object.remove("stringData");
        if (sd != null && sd.isObject() && sd.size() > 0) {
            ObjectNode data = object.has("data") && object.get("data").isObject() ? (ObjectNode) object.get("data") : object.putObject("data");
            sd.fields().forEachRemaining(e -> data.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        long size = DataKeys.validate(object.get("data"), "data", DataKeys.newSeen(), causes, true);
        if (size > DataKeys.MAX_SIZE) {
            causes.add(new FieldCause("FieldValueTooLong", "Too long: must have at most " + DataKeys.MAX_SIZE + " bytes", "data"));
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>(validate(object));
        if (!Json.text(object, "type").equals(Json.text(old, "type"))) {
            causes.add(FieldCause.invalid("type", Json.text(object, "type"), "field is immutable"));
        }
        if (old.path("immutable").asBoolean(false) && !Objects.equals(object.get("data"), old.get("data"))) {
            causes.add(FieldCause.forbidden("data", "field is immutable when `immutable` is set"));
        }
        return causes;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return Map.of("type", Json.text(object, "type"));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Type", "string", "The type of the secret"), o -> Json.text(o, "type"))
                .column(TableColumn.of("Data", "string", "The number of entries in the secret"), o -> o.path("data").size())
                .age().build();
    }
}
