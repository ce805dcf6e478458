package io.kapi.group.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube 1.32's RuntimeClass ({@code pkg/registry/node/runtimeclass}, {@code pkg/apis/node/validation}):
 * {@code overhead.podFixed} decoded and rounded as a resource list ({@link PodFixedResources}); the
 * handler a DNS-1123 label and immutable; the overhead checked as container limits; the scheduling
 * node selector as labels and its tolerations as kube checks them ({@link Tolerations}). A PUT may
 * create; an update must name its resourceVersion; no generation. kube's printer.
 */
final class RuntimeClassStrategy implements Strategy {
    static final String KIND = "RuntimeClass";

    /** kube's columns: the Handler column's description is the (empty) ObjectMeta doc of "handler", as kube declares it. */
    private static final TableConvertor TABLE = Printer.builder().name()
            .column(TableColumn.of("Handler", "string", ""), o -> Tolerations.text(o, "handler"))
            .age().build();

    @Override
    public void applyDefaults(ObjectNode object) {
        PodFixedResources.canonicalize(object.path("overhead").get("podFixed"), KIND);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }

    /** kube's {@code ValidateRuntimeClass} without the metadata, which the store validates. */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        String handler = Tolerations.text(object, "handler");
        for (String msg : NameValidation.isDNS1123Label(handler)) {
            causes.add(FieldCause.invalid("handler", handler, msg));
        }
        JsonNode overhead = object.get("overhead");
        if (Tolerations.present(overhead)) {
            causes.addAll(PodFixedResources.validate(overhead.get("podFixed"), "overhead"));
        }
        JsonNode scheduling = object.get("scheduling");
        if (Tolerations.present(scheduling)) {
            JsonNode nodeSelector = scheduling.get("nodeSelector");
            if (Tolerations.present(nodeSelector)) {
                causes.addAll(NodeGroupProvider.labels(nodeSelector, "scheduling.nodeSelector"));
            }
            // kube's validateScheduling appends "tolerations" to a path that already ends with it
            causes.addAll(Tolerations.validate(scheduling.get("tolerations"), "scheduling.tolerations.tolerations", "scheduling.tolerations"));
        }
        return causes;
    }

    /** {@code ValidateRuntimeClass} of the new object, then {@code ValidateRuntimeClassUpdate}: the handler is immutable. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        String handler = Tolerations.text(object, "handler");
        if (!handler.equals(Tolerations.text(old, "handler"))) {
            causes.add(FieldCause.invalid("handler", handler, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
