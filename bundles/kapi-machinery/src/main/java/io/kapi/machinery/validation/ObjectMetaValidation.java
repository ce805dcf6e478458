package io.kapi.machinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** kube's {@code ValidateObjectMeta} and {@code ValidateObjectMetaUpdate} on JSON metadata. */
public final class ObjectMetaValidation {
    /** kube's TotalAnnotationSizeLimitB. */
    public static final int TOTAL_ANNOTATION_SIZE = 256 * 1024;

    private ObjectMetaValidation() {
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n == null ? null : n.get(f);
        return v == null || v.isNull() ? "" : v.asText();
    }

    public static List<FieldCause> validateObjectMeta(ObjectNode meta, boolean namespaced, NameValidator names) {
        List<FieldCause> causes = new ArrayList<>();
        String name = text(meta, "name");
        String generateName = text(meta, "generateName");
        if (!generateName.isEmpty()) {
            for (String msg : names.validate(generateName, true)) {
                causes.add(FieldCause.invalid("metadata.generateName", generateName, msg));
            }
        }
        if (name.isEmpty()) {
            causes.add(FieldCause.required("metadata.name", "name or generateName is required"));
        } else {
            for (String msg : names.validate(name, false)) {
                causes.add(FieldCause.invalid("metadata.name", name, msg));
            }
        }
        String namespace = text(meta, "namespace");
        if (namespaced) {
            if (namespace.isEmpty()) {
                causes.add(FieldCause.required("metadata.namespace", ""));
            } else {
                for (String msg : NameValidator.dns1123Label(namespace)) {
                    causes.add(FieldCause.invalid("metadata.namespace", namespace, msg));
                }
            }
        } else if (!namespace.isEmpty()) {
            causes.add(FieldCause.forbidden("metadata.namespace", "not allowed on this type"));
        }
        JsonNode labels = meta.get("labels");
        if (labels != null && labels.isObject()) {
            labels.fields().forEachRemaining(e -> {
                for (String msg : NameValidator.qualifiedName(e.getKey())) {
                    causes.add(FieldCause.invalid("metadata.labels", e.getKey(), msg));
                }
                String v = e.getValue().asText();
                for (String msg : NameValidator.labelValue(v)) {
                    causes.add(FieldCause.invalid("metadata.labels", v, msg));
                }
            });
        }
        JsonNode annotations = meta.get("annotations");
        if (annotations != null && annotations.isObject()) {
            long[] total = {0};
            annotations.fields().forEachRemaining(e -> {
                for (String msg : NameValidator.qualifiedName(e.getKey().toLowerCase())) {
                    causes.add(FieldCause.invalid("metadata.annotations", e.getKey(), msg));
                }
                total[0] += e.getKey().length() + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
            });
            if (total[0] > TOTAL_ANNOTATION_SIZE) {
                causes.add(new FieldCause("FieldValueTooLong", "Too long: must have at most " + TOTAL_ANNOTATION_SIZE + " bytes",
                        "metadata.annotations"));
            }
        }
        return causes;
    }

    public static List<FieldCause> validateObjectMetaUpdate(ObjectNode meta, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        for (String f : List.of("name", "namespace", "uid", "creationTimestamp")) {
            if (!Objects.equals(text(meta, f), text(old, f))) {
                causes.add(FieldCause.invalid("metadata." + f, text(meta, f), "field is immutable"));
            }
        }
        return causes;
    }
}
