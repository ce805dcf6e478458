package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * kube's StorageClass ({@code pkg/registry/storage/storageclass}): v1 defaults (reclaimPolicy
 * {@code Delete}, volumeBindingMode {@code Immediate}), {@code ValidateStorageClass} (names are DNS
 * subdomains, the store's default; a provisioner that is a qualified name; at most 512 parameters of
 * 256 KiB in all with no empty key; kube's reclaim policies and binding modes; allowed topologies),
 * and on update {@code ValidateStorageClass} again plus {@code ValidateStorageClassUpdate}
 * (parameters, provisioner, reclaimPolicy and volumeBindingMode are immutable). kube's printer.
 */
final class StorageClassStrategy implements Strategy {
    static final String IS_DEFAULT = "storageclass.kubernetes.io/is-default-class";
    static final String BETA_IS_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";
    static final int MAX_PARAMETERS = 512;
    static final int MAX_PARAMETERS_SIZE = 256 * (1 << 10);
    /** kube's {@code supportedReclaimPolicy.List()} and {@code supportedVolumeBindingModes.List()}: sorted. */
    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Retain");
    static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");

    private final TableConvertor table;

    StorageClassStrategy(ObjectNode openApi) {
        JsonNode props = openApi.path("io.k8s.api.storage.v1.StorageClass").path("properties");
        table = Printer.builder()
                .column(TableColumn.nameColumn(), StorageClassStrategy::printedName)
                .column(TableColumn.of("Provisioner", "string", description(props, "provisioner")), o -> GoForms.text(o, "provisioner"))
                .column(TableColumn.of("ReclaimPolicy", "string", description(props, "reclaimPolicy")),
                        o -> GoForms.isNil(o.get("reclaimPolicy")) ? "Delete" : o.get("reclaimPolicy").asText())
                .column(TableColumn.of("VolumeBindingMode", "string", description(props, "volumeBindingMode")),
                        o -> GoForms.isNil(o.get("volumeBindingMode")) ? "Immediate" : o.get("volumeBindingMode").asText())
                .column(TableColumn.of("AllowVolumeExpansion", "string", description(props, "allowVolumeExpansion")),
                        o -> o.path("allowVolumeExpansion").asBoolean(false))
                .age().build();
    }

    static String description(JsonNode properties, String field) {
        return properties.path(field).path("description").asText("");
    }

    /** kube's printStorageClass: the name, with " (default)" for either is-default-class annotation set to "true". */
    static String printedName(ObjectNode o) {
        JsonNode annotations = o.path("metadata").path("annotations");
        boolean isDefault = "true".equals(GoForms.text(annotations, IS_DEFAULT)) || "true".equals(GoForms.text(annotations, BETA_IS_DEFAULT));
        return Json.name(o) + (isDefault ? " (default)" : "");
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        if (GoForms.isNil(object.get("reclaimPolicy"))) {
            object.put("reclaimPolicy", "Delete");
        }
        if (GoForms.isNil(object.get("volumeBindingMode"))) {
            object.put("volumeBindingMode", "Immediate");
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        String provisioner = GoForms.text(object, "provisioner");
        if (provisioner.isEmpty()) {
            causes.add(FieldCause.required("provisioner", ""));
        } else {
            for (String msg : GoForms.qualifiedNameErrors(provisioner.toLowerCase(Locale.ROOT))) {
                causes.add(FieldCause.invalid("provisioner", provisioner, msg));
            }
        }
        causes.addAll(validateParameters(object.get("parameters"), "parameters"));
        JsonNode reclaim = object.get("reclaimPolicy");
        if (!GoForms.isNil(reclaim) && !reclaim.asText().isEmpty() && !RECLAIM_POLICIES.contains(reclaim.asText())) {
            causes.add(FieldCause.notSupported("reclaimPolicy", reclaim.asText(), RECLAIM_POLICIES));
        }
        JsonNode mode = object.get("volumeBindingMode");
        if (GoForms.isNil(mode)) {
            causes.add(FieldCause.required("volumeBindingMode", ""));
        } else if (!BINDING_MODES.contains(mode.asText())) {
            causes.add(FieldCause.notSupported("volumeBindingMode", mode.asText(), BINDING_MODES));
        }
        causes.addAll(validateAllowedTopologies(object.get("allowedTopologies"), "allowedTopologies"));
        return causes;
    }

    /** kube's {@code validateParameters}: at most 512 entries, no empty key, keys and values 256 KiB at most in all. */
    static List<FieldCause> validateParameters(JsonNode params, String path) {
        List<FieldCause> causes = new ArrayList<>();
        Map<String, String> map = GoForms.stringMap(params);
        if (map.size() > MAX_PARAMETERS) {
            causes.add(FieldCause.tooLong(path, MAX_PARAMETERS));
            return causes;
        }
        long total = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey().isEmpty()) {
                causes.add(FieldCause.invalid(path, "", "field can not be empty."));
            }
            total += GoForms.len(e.getKey()) + GoForms.len(e.getValue());
        }
        if (total > MAX_PARAMETERS_SIZE) {
            causes.add(FieldCause.tooLong(path, MAX_PARAMETERS_SIZE));
        }
        return causes;
    }

    /**
     * kube's {@code validateAllowedTopologies}, quirks included: each term is checked by
     * {@code ValidateTopologySelectorTerm}, then compared (as a map of key to value set) with the terms
     * before it and with the {@code len(topologies)} nil maps kube's list starts with. So a term without
     * expressions, equal to a nil map, is a duplicate that many times over, and once more for each such
     * term before it.
     */
    static List<FieldCause> validateAllowedTopologies(JsonNode topologies, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (topologies == null || !topologies.isArray() || topologies.isEmpty()) {
            return causes;
        }
        List<Map<String, Set<String>>> raw = new ArrayList<>();
        for (int i = 0; i < topologies.size(); i++) {
            raw.add(Map.of());
        }
        for (int i = 0; i < topologies.size(); i++) {
            String idx = path + "[" + i + "]";
            Map<String, Set<String>> exprMap = validateTopologySelectorTerm(topologies.get(i), idx, causes);
            for (Map<String, Set<String>> t : raw) {
                if (exprMap.equals(t)) {
                    causes.add(FieldCause.duplicate(idx + ".matchLabelExpressions", ""));
                }
            }
            raw.add(exprMap);
        }
        return causes;
    }

    /** kube's {@code ValidateTopologySelectorTerm}: the term's key to value-set map; its errors go to {@code causes}. */
    static Map<String, Set<String>> validateTopologySelectorTerm(JsonNode term, String path, List<FieldCause> causes) {
        Map<String, Set<String>> exprMap = new HashMap<>();
        JsonNode expressions = term == null ? null : term.get("matchLabelExpressions");
        if (expressions == null || !expressions.isArray()) {
            return exprMap;
        }
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode req = expressions.get(i);
            String idx = path + ".matchLabelExpressions[" + i + "]";
            String key = GoForms.text(req, "key");
            // validateTopologySelectorLabelRequirement
            Set<String> values = new HashSet<>();
            JsonNode vs = req.get("values");
            if (vs == null || !vs.isArray() || vs.isEmpty()) {
                causes.add(FieldCause.required(idx + ".values", ""));
            } else {
                for (int j = 0; j < vs.size(); j++) {
                    String v = vs.get(j).isNull() ? "" : vs.get(j).asText();
                    if (!values.add(v)) {
                        causes.add(FieldCause.duplicate(idx + ".values[" + j + "]", v));
                    }
                }
            }
            // ValidateLabelName
            for (String msg : GoForms.qualifiedNameErrors(key)) {
                causes.add(FieldCause.invalid(idx + ".key", key, msg));
            }
            if (exprMap.containsKey(key)) {
                causes.add(FieldCause.duplicate(idx + ".key", key));
            }
            exprMap.put(key, values);
        }
        return exprMap;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>(validate(object));
        if (!GoForms.stringMapsEqual(object.get("parameters"), old.get("parameters"))) {
            causes.add(FieldCause.forbidden("parameters", "updates to parameters are forbidden."));
        }
        if (!GoForms.text(object, "provisioner").equals(GoForms.text(old, "provisioner"))) {
            causes.add(FieldCause.forbidden("provisioner", "updates to provisioner are forbidden."));
        }
        if (!GoForms.text(object, "reclaimPolicy").equals(GoForms.text(old, "reclaimPolicy"))) {
            causes.add(FieldCause.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
        }
        JsonNode mode = object.get("volumeBindingMode");
        JsonNode oldMode = old.get("volumeBindingMode");
        if (GoForms.isNil(mode) != GoForms.isNil(oldMode) || !GoForms.text(object, "volumeBindingMode").equals(GoForms.text(old, "volumeBindingMode"))) {
            causes.add(GoForms.isNil(mode) ? FieldCause.invalidRendered("volumeBindingMode", "null", ObjectMetaValidation.FIELD_IMMUTABLE)
                    : FieldCause.invalid("volumeBindingMode", mode.asText(), ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return table;
    }
}
