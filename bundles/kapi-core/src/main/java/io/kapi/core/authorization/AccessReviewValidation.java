package io.kapi.core.authorization;

import static io.kapi.core.authorization.GoValues.field;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * kube 1.32's {@code pkg/apis/authorization/validation}: the checks of SubjectAccessReview,
 * SelfSubjectAccessReview and LocalSubjectAccessReview, with kube's paths and messages. A field that is
 * absent or JSON null is Go's nil. Stateless.
 */
final class AccessReviewValidation {
    private static final String RESOURCE_ATTRIBUTES = "spec.resourceAttributes";

    private AccessReviewValidation() {
    }

    /** {@code ValidateSubjectAccessReview}: the spec, and no metadata but managed fields. */
    static List<FieldCause> subjectAccessReview(JsonNode review) {
        List<FieldCause> errs = spec(field(review, "spec"), false);
        if (!metadataEmpty(field(review, "metadata"), false)) {
            errs.add(FieldCause.invalidRendered("metadata", GoValues.objectMeta(field(review, "metadata")), "must be empty"));
        }
        return errs;
    }

    /** {@code ValidateSelfSubjectAccessReview}: as a SubjectAccessReview's, without the subject. */
    static List<FieldCause> selfSubjectAccessReview(JsonNode review) {
        List<FieldCause> errs = spec(field(review, "spec"), true);
        if (!metadataEmpty(field(review, "metadata"), false)) {
            errs.add(FieldCause.invalidRendered("metadata", GoValues.objectMeta(field(review, "metadata")), "must be empty"));
        }
        return errs;
    }

    /**
     * {@code ValidateLocalSubjectAccessReview}: metadata may hold the namespace only, the resource
     * attributes' namespace is the review's, and non-resource attributes are refused.
     */
    static List<FieldCause> localSubjectAccessReview(JsonNode review) {
        JsonNode spec = field(review, "spec");
        JsonNode metadata = field(review, "metadata");
        List<FieldCause> errs = spec(spec, false);
        if (!metadataEmpty(metadata, true)) {
            errs.add(FieldCause.invalidRendered("metadata", GoValues.objectMeta(metadata), "must be empty except for namespace"));
        }
        JsonNode ra = field(spec, "resourceAttributes");
        String namespace = text(metadata, "namespace");
        if (ra != null && !text(ra, "namespace").equals(namespace)) {
            errs.add(FieldCause.invalid("spec.resourceAttributes.namespace", text(ra, "namespace"), "must match metadata.namespace"));
        }
        JsonNode na = field(spec, "nonResourceAttributes");
        if (na != null) {
            errs.add(FieldCause.invalidRendered("spec.nonResourceAttributes", GoValues.nonResourceAttributes(na),
                    "disallowed on this kind of request"));
        }
        return errs;
    }

    /** {@code ValidateSubjectAccessReviewSpec}, or {@code ValidateSelfSubjectAccessReviewSpec} (no user or groups). */
    static List<FieldCause> spec(JsonNode spec, boolean self) {
        List<FieldCause> errs = new ArrayList<>();
        JsonNode ra = field(spec, "resourceAttributes");
        JsonNode na = field(spec, "nonResourceAttributes");
        if (ra != null && na != null) {
            errs.add(FieldCause.invalidRendered("spec.nonResourceAttributes", GoValues.nonResourceAttributes(na),
                    "cannot be specified in combination with resourceAttributes"));
        }
        if (ra == null && na == null) {
            // kube passes the nil nonResourceAttributes as the value, which its ErrorBody prints as "null"
            errs.add(FieldCause.invalid(RESOURCE_ATTRIBUTES, "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        if (!self && text(spec, "user").isEmpty() && size(field(spec, "groups")) == 0) {
            errs.add(FieldCause.invalid("spec.user", text(spec, "user"), "at least one of user or group must be specified"));
        }
        if (ra != null) {
            selector(field(ra, "fieldSelector"), RESOURCE_ATTRIBUTES + ".fieldSelector", false, errs);
            selector(field(ra, "labelSelector"), RESOURCE_ATTRIBUTES + ".labelSelector", true, errs);
        }
        return errs;
    }

    /**
     * {@code validateFieldSelectorAttributes} / {@code validateLabelSelectorAttributes}: raw selector or
     * requirements, each requirement as metav1's validation checks it with unknown operators allowed (a
     * newer client's operator is authorized more broadly, not refused).
     */
    private static void selector(JsonNode selector, String path, boolean labels, List<FieldCause> errs) {
        if (selector == null) {
            return;
        }
        String raw = text(selector, "rawSelector");
        JsonNode requirements = field(selector, "requirements");
        if (!raw.isEmpty() && size(requirements) > 0) {
            errs.add(FieldCause.invalid(path + ".rawSelector", raw, "may not specified at the same time as requirements"));
        }
        if (raw.isEmpty() && size(requirements) == 0) {
            errs.add(FieldCause.required(path + ".requirements", "when " + path + " is specified, requirements or rawSelector is required"));
        }
        if (requirements == null || !requirements.isArray()) {
            return;
        }
        for (int i = 0; i < requirements.size(); i++) {
            String at = path + ".requirements[" + i + "]";
            if (labels) {
                labelRequirement(requirements.get(i), at, errs);
            } else {
                fieldRequirement(requirements.get(i), at, errs);
            }
        }
    }

    /** metav1 validation's {@code ValidateFieldSelectorRequirement}. */
    private static void fieldRequirement(JsonNode r, String at, List<FieldCause> errs) {
        if (text(r, "key").isEmpty()) {
            errs.add(FieldCause.required(at + ".key", "must be specified"));
        }
        operatorValues(r, at, errs);
    }

    /** metav1 validation's {@code ValidateLabelSelectorRequirement}: the key a qualified name, each value a label value. */
    private static void labelRequirement(JsonNode r, String at, List<FieldCause> errs) {
        operatorValues(r, at, errs);
        String key = text(r, "key");
        for (String msg : NameValidation.isQualifiedName(key)) {
            errs.add(FieldCause.invalid(at + ".key", key, msg));
        }
        JsonNode values = field(r, "values");
        if (values != null && values.isArray()) {
            for (int j = 0; j < values.size(); j++) {
                String value = values.get(j).asText();
                for (String msg : NameValidation.isValidLabelValue(value)) {
                    errs.add(FieldCause.invalid(at + ".values[" + j + "]", value, msg));
                }
            }
        }
    }

    private static void operatorValues(JsonNode r, String at, List<FieldCause> errs) {
        int values = size(field(r, "values"));
        switch (text(r, "operator")) {
            case "In", "NotIn" -> {
                if (values == 0) {
                    errs.add(FieldCause.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (values > 0) {
                    errs.add(FieldCause.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
            }
            default -> {
                // AllowUnknownOperatorInRequirement: kube lets an operator it does not know through
            }
        }
    }

    /**
     * Whether the metadata equals an empty {@code ObjectMeta} but for managed fields (and the namespace), as
     * {@code apiequality.Semantic.DeepEqual} sees it: empty maps and lists are empty.
     */
    static boolean metadataEmpty(JsonNode m, boolean exceptNamespace) {
        if (m == null) {
            return true;
        }
        for (String name : List.of("name", "generateName", "resourceVersion")) {
            if (!text(m, name).isEmpty()) {
                return false;
            }
        }
        if (!exceptNamespace && !text(m, "namespace").isEmpty()) {
            return false;
        }
        JsonNode generation = field(m, "generation");
        if (generation != null && generation.asLong() != 0) {
            return false;
        }
        for (String name : List.of("labels", "annotations", "ownerReferences", "finalizers")) {
            if (size(field(m, name)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static int size(JsonNode node) {
        return node == null || !node.isContainerNode() ? 0 : node.size();
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = field(node, name);
        return v == null ? "" : v.asText();
    }
}
