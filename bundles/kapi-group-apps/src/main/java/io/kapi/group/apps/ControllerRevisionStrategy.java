package io.kapi.group.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** kube's ControllerRevision (apps/v1): data is required and immutable, revision not negative; printed with its controller. */
final class ControllerRevisionStrategy implements Strategy {
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode data = object.get("data");
        if (data == null || data.isNull()) {
            causes.add(FieldCause.required("data", "data is mandatory"));
        }
        Workloads.nonNegative(object, "revision", "revision", causes);
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        if (!Objects.equals(object.get("data"), old.get("data"))) {
            causes.add(FieldCause.invalidRendered("data", "runtime.RawExtension{...}", ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return Workloads.printer()
                .column(Workloads.column("Controller", "string", "Controller of the object"), ControllerRevisionStrategy::controller)
                .column(Workloads.column("Revision", "string", "Revision indicates the revision of the state represented by Data."),
                        o -> o.path("revision").asLong(0))
                .age()
                .build();
    }

    /** {@code <kind>.<group>/<name>} of the controlling owner, {@code <none>} without one (kube's printer). */
    static String controller(ObjectNode o) {
        for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                String apiVersion = ref.path("apiVersion").asText("");
                int slash = apiVersion.indexOf('/');
                String group = slash < 0 ? "" : apiVersion.substring(0, slash);
                String kind = ref.path("kind").asText("").toLowerCase(java.util.Locale.ROOT);
                return kind + (group.isEmpty() ? "" : "." + group) + "/" + ref.path("name").asText("");
            }
        }
        return "<none>";
    }
}
