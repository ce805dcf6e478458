package io.kapi.machinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeSet;

/**
 * kube's {@code ValidateObjectMeta} and {@code ValidateObjectMetaUpdate}
 * ({@code k8s.io/apimachinery/pkg/api/validation/objectmeta.go}) on metadata in its JSON form, with
 * kube's field paths and messages. Field-type errors (a label that is not a string, ...) are the
 * decoder's business and are not reported here; non-string scalars are read as their text.
 */
public final class ObjectMetaValidation {
    /** kube's TotalAnnotationSizeLimitB: keys plus values, in bytes. */
    public static final int TOTAL_ANNOTATION_SIZE = 256 * 1024;
    public static final String FIELD_IMMUTABLE = "field is immutable";
    public static final String IS_NEGATIVE = "must be greater than or equal to 0";
    public static final String FINALIZER_ORPHAN = "orphan";
    public static final String FINALIZER_FOREGROUND = "foregroundDeletion";

    private ObjectMetaValidation() {
    }

    /** Object creation: name or generateName, namespace as the scope wants, and the common fields. */
    public static List<FieldCause> validateObjectMeta(ObjectNode meta, boolean namespaced, NameValidator nameFn) {
        ObjectNode m = meta == null ? JsonNodeFactory.instance.objectNode() : meta;
        List<FieldCause> causes = new ArrayList<>();
        String generateName = text(m, "generateName");
        if (!generateName.isEmpty()) {
            for (String msg : nameFn.validate(generateName, true)) {
                causes.add(FieldCause.invalid("metadata.generateName", generateName, msg));
            }
        }
        String name = text(m, "name");
        if (name.isEmpty()) {
            causes.add(FieldCause.required("metadata.name", "name or generateName is required"));
        } else {
            for (String msg : nameFn.validate(name, false)) {
                causes.add(FieldCause.invalid("metadata.name", name, msg));
            }
        }
        String namespace = text(m, "namespace");
        if (namespaced) {
            if (namespace.isEmpty()) {
                causes.add(FieldCause.required("metadata.namespace", ""));
            } else {
                for (String msg : NameValidator.DNS1123_LABEL.validate(namespace, false)) {
                    causes.add(FieldCause.invalid("metadata.namespace", namespace, msg));
                }
            }
        } else if (!namespace.isEmpty()) {
            causes.add(FieldCause.forbidden("metadata.namespace", "not allowed on this type"));
        }
        nonNegative(m, causes);
        causes.addAll(validateLabels(m.get("labels"), "metadata.labels"));
        causes.addAll(validateAnnotations(m.get("annotations"), "metadata.annotations"));
        causes.addAll(validateOwnerReferences(m.get("ownerReferences"), "metadata.ownerReferences"));
        causes.addAll(validateFinalizers(m.get("finalizers"), "metadata.finalizers"));
        causes.addAll(validateManagedFields(m.get("managedFields"), "metadata.managedFields"));
        return causes;
    }

    /** kube's {@code ValidateManagedFields}: each entry's operation is Apply or Update, its fieldsType FieldsV1. */
    public static List<FieldCause> validateManagedFields(JsonNode entries, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (entries == null || !entries.isArray()) {
            return causes;
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String operation = text(e, "operation");
            if (!operation.equals("Apply") && !operation.equals("Update")) {
                causes.add(FieldCause.invalid(path + "[" + i + "].operation", operation, "must be `Apply` or `Update`"));
            }
            String fieldsType = text(e, "fieldsType");
            if (!fieldsType.isEmpty() && !fieldsType.equals("FieldsV1")) {
                causes.add(FieldCause.invalid(path + "[" + i + "].fieldsType", fieldsType, "must be `FieldsV1`"));
            }
        }
        return causes;
    }

    /**
     * Object update: identity and system fields are immutable, and the common fields are checked again.
     * kube also requires {@code metadata.resourceVersion} here; that check belongs to the caller's
     * update flow, because a store that allows unconditional updates fills it in first.
     */
    public static List<FieldCause> validateObjectMetaUpdate(ObjectNode newMeta, ObjectNode oldMeta) {
        ObjectNode n = newMeta == null ? JsonNodeFactory.instance.objectNode() : newMeta;
        ObjectNode o = oldMeta == null ? JsonNodeFactory.instance.objectNode() : oldMeta;
        List<FieldCause> causes = new ArrayList<>();
        if (present(o.get("deletionTimestamp"))) {
            TreeSet<String> added = new TreeSet<>(strings(n.get("finalizers")));
            added.removeAll(strings(o.get("finalizers")));
            if (!added.isEmpty()) {
                causes.add(FieldCause.forbidden("metadata.finalizers",
                        "no new finalizers can be added if the object is being deleted, found new finalizers " + goStringSlice(added)));
            }
        }
        nonNegative(n, causes);
        if (n.path("generation").asLong(0) < o.path("generation").asLong(0)) {
            causes.add(FieldCause.invalid("metadata.generation", n.path("generation").asLong(0), "must not be decremented"));
        }
        for (String f : List.of("name", "namespace", "uid")) {
            // absent and "" are the same Go string
            if (!text(n, f).equals(text(o, f))) {
                causes.add(FieldCause.invalid("metadata." + f, text(n, f), FIELD_IMMUTABLE));
            }
        }
        for (String f : List.of("creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")) {
            JsonNode nv = n.get(f);
            JsonNode ov = o.get(f);
            if (!sameOptional(nv, ov)) {
                // kube prints these pointer/struct values as JSON, so absent is null
                causes.add(FieldCause.invalid("metadata." + f, jsonValue(nv), FIELD_IMMUTABLE));
            }
        }
        causes.addAll(validateLabels(n.get("labels"), "metadata.labels"));
        causes.addAll(validateAnnotations(n.get("annotations"), "metadata.annotations"));
        causes.addAll(validateOwnerReferences(n.get("ownerReferences"), "metadata.ownerReferences"));
        causes.addAll(validateManagedFields(n.get("managedFields"), "metadata.managedFields"));
        return causes;
    }

    /** kube's {@code ValidateLabels}: every key a qualified name, every value a label value; errors on the map's path. */
    public static List<FieldCause> validateLabels(JsonNode labels, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (labels == null || !labels.isObject()) {
            return causes;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String msg : NameValidation.isQualifiedName(e.getKey())) {
                causes.add(FieldCause.invalid(path, e.getKey(), msg));
            }
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            for (String msg : NameValidation.isValidLabelValue(v)) {
                causes.add(FieldCause.invalid(path, v, msg));
            }
        }
        return causes;
    }

    /**
     * kube's {@code metav1validation.ValidateLabelSelector}: match labels are labels; each expression has a
     * known operator with values only where it takes them, a qualified-name key and label values.
     */
    public static List<FieldCause> validateLabelSelector(JsonNode selector, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (selector == null || selector.isNull()) {
            return causes;
        }
        causes.addAll(validateLabels(selector.get("matchLabels"), path + ".matchLabels"));
        int i = 0;
        for (JsonNode e : selector.path("matchExpressions")) {
            String at = path + ".matchExpressions[" + i++ + "]";
            String op = e.path("operator").asText("");
            int values = e.path("values").size();
            switch (op) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        causes.add(FieldCause.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values > 0) {
                        causes.add(FieldCause.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default -> causes.add(FieldCause.invalid(at + ".operator", op, "not a valid selector operator"));
            }
            String key = e.path("key").asText("");
            for (String msg : NameValidation.isQualifiedName(key)) {
                causes.add(FieldCause.invalid(at + ".key", key, msg));
            }
            int j = 0;
            for (JsonNode v : e.path("values")) {
                for (String msg : NameValidation.isValidLabelValue(v.asText())) {
                    causes.add(FieldCause.invalid(at + ".values[" + j + "]", v.asText(), msg));
                }
                j++;
            }
        }
        return causes;
    }

    /** kube's {@code ValidateAnnotations}: keys are qualified names once lower-cased; keys and values total at most 256 KiB. */
    public static List<FieldCause> validateAnnotations(JsonNode annotations, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (annotations == null || !annotations.isObject()) {
            return causes;
        }
        long total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String msg : NameValidation.isQualifiedName(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                causes.add(FieldCause.invalid(path, e.getKey(), msg));
            }
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            total += bytes(e.getKey()) + bytes(v);
        }
        if (total > TOTAL_ANNOTATION_SIZE) {
            causes.add(FieldCause.tooLong(path, TOTAL_ANNOTATION_SIZE));
        }
        return causes;
    }

    /** kube's {@code ValidateOwnerReferences}: required fields, a parseable apiVersion, at most one controller. */
    public static List<FieldCause> validateOwnerReferences(JsonNode refs, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (refs == null || !refs.isArray()) {
            return causes;
        }
        String firstController = "";
        for (int i = 0; i < refs.size(); i++) {
            JsonNode ref = refs.get(i);
            String p = path + "[" + i + "]";
            String apiVersion = text(ref, "apiVersion");
            String kind = text(ref, "kind");
            String group = "";
            if (apiVersion.isEmpty()) {
                causes.add(FieldCause.required(p + ".apiVersion", "must not be empty"));
            } else {
                String[] gv = apiVersion.split("/", -1);
                if (gv.length > 2 || gv[gv.length - 1].isEmpty()) {
                    causes.add(FieldCause.invalid(p + ".apiVersion", apiVersion, "must be <group>/<version> or <version>"));
                } else if (gv.length == 2) {
                    group = gv[0];
                }
            }
            if (kind.isEmpty()) {
                causes.add(FieldCause.required(p + ".kind", "must not be empty"));
            }
            if (text(ref, "name").isEmpty()) {
                causes.add(FieldCause.required(p + ".name", "must not be empty"));
            }
            if (text(ref, "uid").isEmpty()) {
                causes.add(FieldCause.required(p + ".uid", "must not be empty"));
            }
            // kube's BannedOwners: core/v1 Events may not own anything
            if (group.isEmpty() && apiVersion.equals("v1") && kind.equals("Event")) {
                causes.add(FieldCause.invalid(p, ref, "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (ref.path("controller").asBoolean(false)) {
                String current = kind + "/" + text(ref, "name");
                if (!firstController.isEmpty()) {
                    causes.add(FieldCause.invalid(path, refs, "Only one reference can have Controller set to true. Found \"true\" in references for "
                            + firstController + " and " + current));
                } else {
                    firstController = current;
                }
            }
        }
        return causes;
    }

    /** kube's {@code ValidateFinalizers}: qualified names, and not both orphan and foregroundDeletion. */
    public static List<FieldCause> validateFinalizers(JsonNode finalizers, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (finalizers == null || !finalizers.isArray()) {
            return causes;
        }
        List<String> all = strings(finalizers);
        for (String f : all) {
            for (String msg : NameValidation.isQualifiedName(f)) {
                causes.add(FieldCause.invalid(path, f, msg));
            }
        }
        if (all.contains(FINALIZER_ORPHAN) && all.contains(FINALIZER_FOREGROUND)) {
            causes.add(FieldCause.invalid(path, finalizers, "finalizer " + FINALIZER_ORPHAN + " and " + FINALIZER_FOREGROUND
                    + " cannot be both set"));
        }
        return causes;
    }

    /** kube's standard finalizer names, the only ones a built-in kind's object may carry without a domain. */
    private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", FINALIZER_ORPHAN, FINALIZER_FOREGROUND);

    /**
     * kube's {@code validateKubeFinalizerName} for a built-in kind: a finalizer without a {@code /} must be a standard
     * one ({@code kubernetes}, {@code orphan}, {@code foregroundDeletion}); the message, or null when the name passes.
     */
    public static String kubeFinalizerNameError(String name) {
        return name.indexOf('/') < 0 && !STANDARD_FINALIZERS.contains(name)
                ? "name is neither a standard finalizer name nor is it fully qualified" : null;
    }

    /**
     * What kube's core validation adds to the object metadata checks of every built-in kind, on create and update:
     * {@link #kubeFinalizerNameError} for each finalizer, at {@code <path>[i]}. Custom resources only get a warning.
     */
    public static List<FieldCause> validateKubeFinalizerNames(JsonNode finalizers, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (finalizers == null || !finalizers.isArray()) {
            return causes;
        }
        for (int i = 0; i < finalizers.size(); i++) {
            String name = finalizers.get(i).asText();
            String error = kubeFinalizerNameError(name);
            if (error != null) {
                causes.add(FieldCause.invalid(path + "[" + i + "]", name, error));
            }
        }
        return causes;
    }

    private static void nonNegative(ObjectNode m, List<FieldCause> causes) {
        JsonNode g = m.get("generation");
        if (g != null && g.isNumber() && g.asLong() < 0) {
            causes.add(FieldCause.invalid("metadata.generation", g.asLong(), IS_NEGATIVE));
        }
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !(n.isTextual() && n.asText().isEmpty());
    }

    private static boolean sameOptional(JsonNode a, JsonNode b) {
        if (!present(a) || !present(b)) {
            return present(a) == present(b);
        }
        return a.equals(b) || a.asText().equals(b.asText());
    }

    private static JsonNode jsonValue(JsonNode n) {
        return present(n) ? n : JsonNodeFactory.instance.nullNode();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list instanceof ArrayNode a) {
            a.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    /** Go's {@code %#v} of a []string, as kube prints the new finalizers. */
    private static String goStringSlice(Iterable<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(NameValidation.goQuote(v)));
        return "[]string{" + String.join(", ", quoted) + "}";
    }

    private static long bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
