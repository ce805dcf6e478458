package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.GoValues;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * kube 1.32's CSIStorageCapacity ({@code pkg/registry/storage/csistoragecapacity}): capacity and
 * maximumVolumeSize decoded as kube's quantities; {@code ValidateCSIStorageCapacity} (the node topology
 * a label selector, the storage class name a DNS subdomain, the capacity not negative), on update with
 * invalid label values in the selector let through when the stored object had some, and the node
 * topology and storage class name immutable. Names are DNS subdomains, the store's default; no
 * generation; an update must name its resourceVersion. kube's printer, which has no Age column.
 */
final class CSIStorageCapacityStrategy implements Strategy {
    static final String KIND = "CSIStorageCapacity";
    static final List<String> QUANTITIES = List.of("capacity", "maximumVolumeSize");

    private final TableConvertor table;

    CSIStorageCapacityStrategy(ObjectNode openApi) {
        JsonNode props = openApi.path("io.k8s.api.storage.v1.CSIStorageCapacity").path("properties");
        table = Printer.builder().name()
                .column(TableColumn.of("StorageClassName", "string", StorageClassStrategy.description(props, "storageClassName")),
                        o -> GoForms.text(o, "storageClassName"))
                .column(TableColumn.of("Capacity", "string", StorageClassStrategy.description(props, "capacity")),
                        o -> GoForms.isNil(o.get("capacity")) ? "<unset>" : o.get("capacity").asText())
                .build();
    }

    /** The two quantities as kube's decoder reads them (a null is Go's nil pointer: no field); no other defaults. */
    @Override
    public void applyDefaults(ObjectNode object) {
        for (String field : QUANTITIES) {
            JsonNode v = object.get(field);
            if (v == null) {
                continue;
            }
            if (v.isNull()) {
                object.remove(field);
            } else {
                object.put(field, InlineVolumeSpec.quantity(v, KIND).toString());
            }
        }
    }

    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return validate(object, false);
    }

    /** kube's {@code ValidateCSIStorageCapacity} without the metadata, which the store validates. */
    static List<FieldCause> validate(JsonNode object, boolean allowInvalidLabelValues) {
        List<FieldCause> causes = new ArrayList<>();
        selector(object.get("nodeTopology"), "nodeTopology", allowInvalidLabelValues, causes);
        String storageClass = GoForms.text(object, "storageClassName");
        for (String msg : NameValidation.isDNS1123Subdomain(storageClass)) {
            causes.add(FieldCause.invalid("storageClassName", storageClass, msg));
        }
        JsonNode capacity = object.get("capacity");
        if (!GoForms.isNil(capacity)) {
            Quantity q = Quantity.parseOrNull(capacity.asText());
            if (q != null && q.sign() < 0) {
                causes.add(FieldCause.invalid("capacity", q.toString(), ObjectMetaValidation.IS_NEGATIVE));
            }
        }
        return causes;
    }

    /** {@code ValidateCSIStorageCapacity} with the stored object's options, then {@code ValidateCSIStorageCapacityUpdate}. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> oldErrors = new ArrayList<>();
        selector(old.get("nodeTopology"), "nodeTopology", false, oldErrors);
        List<FieldCause> causes = validate(object, !oldErrors.isEmpty());
        JsonNode topology = object.get("nodeTopology");
        if (!VolumeAttachmentStrategy.semanticEquals(topology, old.get("nodeTopology"))) {
            causes.add(FieldCause.invalidRendered("nodeTopology", GoForms.isNil(topology) ? "null" : GoValues.labelSelector(topology),
                    ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        String storageClass = GoForms.text(object, "storageClassName");
        if (!storageClass.equals(GoForms.text(old, "storageClassName"))) {
            causes.add(FieldCause.invalid("storageClassName", storageClass, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    /** metav1's {@code ValidateLabelSelector} with kube 1.32's messages, label values unchecked when allowed. */
    static void selector(JsonNode selector, String path, boolean allowInvalidLabelValues, List<FieldCause> causes) {
        if (GoForms.isNil(selector)) {
            return;
        }
        labels(selector.get("matchLabels"), path + ".matchLabels", causes);
        JsonNode expressions = selector.path("matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode e = expressions.get(i);
            String at = path + ".matchExpressions[" + i + "]";
            String op = GoForms.text(e, "operator");
            JsonNode values = e.path("values");
            switch (op) {
                case "In", "NotIn" -> {
                    if (values.size() == 0) {
                        causes.add(FieldCause.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values.size() > 0) {
                        causes.add(FieldCause.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default -> causes.add(FieldCause.invalid(at + ".operator", op, "not a valid selector operator"));
            }
            String key = GoForms.text(e, "key");
            for (String msg : GoForms.qualifiedNameErrors(key)) {
                causes.add(FieldCause.invalid(at + ".key", key, msg));
            }
            if (!allowInvalidLabelValues) {
                for (int j = 0; j < values.size(); j++) {
                    String v = values.get(j).isNull() ? "" : values.get(j).asText();
                    for (String msg : NameValidation.isValidLabelValue(v)) {
                        causes.add(FieldCause.invalid(at + ".values[" + j + "]", v, msg));
                    }
                }
            }
        }
    }

    private static void labels(JsonNode labels, String path, List<FieldCause> causes) {
        if (labels == null || !labels.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String msg : GoForms.qualifiedNameErrors(e.getKey())) {
                causes.add(FieldCause.invalid(path, e.getKey(), msg));
            }
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            for (String msg : NameValidation.isValidLabelValue(v)) {
                causes.add(FieldCause.invalid(path, v, msg));
            }
        }
    }

    @Override
    public TableConvertor table() {
        return table;
    }
}
