package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** kube's configmap strategy: key validation, the 1 MiB limit, immutability. */
final class ConfigMapStrategy implements Strategy {
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        Set<String> seen = DataKeys.newSeen();
        long size = DataKeys.validate(object.get("data"), "data", seen, causes, false);
        size += DataKeys.validate(object.get("binaryData"), "binaryData", seen, causes, true);
        if (size > DataKeys.MAX_SIZE) {
            causes.add(new FieldCause("FieldValueTooLong", "Too long: must have at most " + DataKeys.MAX_SIZE + " bytes", ""));
        }
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>(validate(object));
        if (old.path("immutable").asBoolean(false)) {
            if (!object.path("immutable").asBoolean(false)) {
                causes.add(FieldCause.forbidden("immutable", "field is immutable when `immutable` is set"));
            }
            if (!Objects.equals(object.get("data"), old.get("data"))) {
                causes.add(FieldCause.forbidden("data", "field is immutable when `immutable` is set"));
            }
            if (!Objects.equals(object.get("binaryData"), old.get("binaryData"))) {
                causes.add(FieldCause.forbidden("binaryData", "field is immutable when `immutable` is set"));
            }
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Data", "string", "Data contains the configuration data."),
                        o -> o.path("data").size() + o.path("binaryData").size())
                .age().build();
    }
}
