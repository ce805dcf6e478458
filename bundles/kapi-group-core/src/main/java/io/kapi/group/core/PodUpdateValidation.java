package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.pods.GoValues;
import io.kapi.machinery.pods.PodValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * kube's ValidatePodUpdate (pkg/apis/core/validation): what a pod update may change, with kube's paths,
 * messages and order. The new pod is validated as on create first; a pod still gated by scheduling gates
 * may gain node selector entries and node affinity requirements.
 */
final class PodUpdateValidation {
    private PodUpdateValidation() {
    }

    /**
     * kube's ValidatePodUpdate: the new pod validated as on create, then what may change: container images
     * (not to empty or padded ones), the active deadline (set once, then only down), added tolerations
     * (existing ones only in their tolerationSeconds), removed scheduling gates, added node selector
     * entries and node affinity requirements while the pod is gated, a negative grace period raised to 1;
     * nothing else. The QoS class
     * stays, and the mirror pod and AppArmor annotations too.
     */
    static List<FieldCause> validate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>(PodValidation.pod(object));
        causes.addAll(PodValidation.annotationUpdates(object, old));
        JsonNode spec = object.path("spec");
        JsonNode before = old.path("spec");
        for (String list : new String[] {"containers", "initContainers"}) {
            if (spec.path(list).size() != before.path(list).size()) {
                causes.add(FieldCause.forbidden("spec." + list, "pod updates may not add or remove containers"));
                return causes;
            }
            int i = 0;
            for (JsonNode c : spec.path(list)) {
                String at = "spec." + list + "[" + i++ + "].image";
                String image = c.path("image").asText("");
                if (image.isEmpty()) {
                    causes.add(FieldCause.required(at, ""));
                }
                if (!image.equals(image.strip())) {
                    causes.add(FieldCause.invalid(at, image, "must not have leading or trailing whitespace"));
                }
            }
        }
        JsonNode deadline = spec.get("activeDeadlineSeconds");
        JsonNode oldDeadline = before.get("activeDeadlineSeconds");
        boolean hadDeadline = oldDeadline != null && !oldDeadline.isNull();
        if (deadline != null && !deadline.isNull()) {
            if (deadline.asLong() < 0 || deadline.asLong() > Integer.MAX_VALUE) {
                causes.add(FieldCause.invalid("spec.activeDeadlineSeconds", deadline.asLong(), "must be between 0 and 2147483647, inclusive"));
                return causes;
            }
            if (hadDeadline && oldDeadline.asLong() < deadline.asLong()) {
                causes.add(FieldCause.invalid("spec.activeDeadlineSeconds", deadline.asLong(), "must be less than or equal to previous value"));
                return causes;
            }
        } else if (hadDeadline) {
            causes.add(FieldCause.invalidRendered("spec.activeDeadlineSeconds", "null", "must not update from a positive integer to nil value"));
        }
        onlyAddedTolerations(spec.path("tolerations"), before.path("tolerations"), causes);
        onlyDeletedSchedulingGates(spec.path("schedulingGates"), before.path("schedulingGates"), causes);
        if (spec.equals(before)) {
            return causes;
        }
        String oldQos = old.path("status").path("qosClass").asText("");
        if (!(oldQos.isEmpty() ? PodStrategy.qos(before) : oldQos).equals(PodStrategy.qos(spec))) {
            causes.add(FieldCause.invalid("metadata", object.path("status").path("qosClass").asText(""), "Pod QOS is immutable"));
        }
        ObjectNode munged = spec.deepCopy();
        for (String list : new String[] {"containers", "initContainers"}) {
            for (int i = 0; i < munged.path(list).size(); i++) {
                copy(before.path(list).get(i), (ObjectNode) munged.path(list).get(i), "image");
            }
        }
        copy(before, munged, "activeDeadlineSeconds");
        copy(before, munged, "schedulingGates");
        copy(before, munged, "tolerations");
        if (before.path("terminationGracePeriodSeconds").asLong(0) < 0 && munged.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            copy(before, munged, "terminationGracePeriodSeconds");
        }
        boolean gated = before.path("schedulingGates").size() > 0;
        if (gated) {
            nodeAffinityOfGatedPod(munged, before, causes);
        }
        if (gated && !Objects.equals(munged.get("nodeSelector"), before.get("nodeSelector"))) {
            JsonNode selector = munged.path("nodeSelector");
            for (var it = before.path("nodeSelector").fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().equals(selector.get(e.getKey()))) {
                    causes.add(FieldCause.invalidRendered("spec.nodeSelector", GoValues.stringMap(munged.get("nodeSelector")),
                            "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
                    break;
                }
            }
            copy(before, munged, "nodeSelector");
        }
        if (!munged.equals(before)) {
            causes.add(FieldCause.forbidden("spec", PodStrategy.UPDATABLE));
        }
        return causes;
    }

    /** kube's validateOnlyAddedTolerations: every old toleration is still there (but for its seconds); all are valid. */
    private static void onlyAddedTolerations(JsonNode tolerations, JsonNode old, List<FieldCause> causes) {
        for (JsonNode t : old) {
            boolean kept = false;
            for (JsonNode n : tolerations) {
                ObjectNode a = t.deepCopy();
                ObjectNode b = n.deepCopy();
                a.remove("tolerationSeconds");
                b.remove("tolerationSeconds");
                kept |= a.equals(b);
            }
            if (!kept) {
                causes.add(FieldCause.forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"));
                return;
            }
        }
        causes.addAll(PodValidation.tolerations(tolerations, "spec.tolerations"));
    }

    /** kube's validateOnlyDeletedSchedulingGates: no gate that was not there before. */
    private static void onlyDeletedSchedulingGates(JsonNode gates, JsonNode old, List<FieldCause> causes) {
        java.util.Set<String> before = new java.util.HashSet<>();
        old.forEach(g -> before.add(g.path("name").asText("")));
        int i = 0;
        for (JsonNode g : gates) {
            String name = g.path("name").asText("");
            if (!before.contains(name)) {
                causes.add(FieldCause.forbidden("spec.schedulingGates[" + i + "].name",
                        "only deletion is allowed, but found new scheduling gate '" + name + "'"));
            }
            i++;
        }
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        } else {
            to.remove(field);
        }
    }

    /**
     * kube's validateNodeAffinityMutation for a gated pod: the required node selector terms keep their number
     * and each only grows (requirements appended, none changed); the munged spec then takes the old node
     * affinity, so what was allowed is not a spec change.
     */
    private static void nodeAffinityOfGatedPod(ObjectNode munged, JsonNode before, List<FieldCause> causes) {
        JsonNode oldAffinity = before.path("affinity").get("nodeAffinity");
        JsonNode newAffinity = munged.path("affinity").get("nodeAffinity");
        if (Objects.equals(oldAffinity, newAffinity)) {
            return;
        }
        JsonNode oldRequired = oldAffinity == null ? null : oldAffinity.get("requiredDuringSchedulingIgnoredDuringExecution");
        if (oldRequired != null && !oldRequired.isNull()) {
            String terms = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
            JsonNode oldTerms = oldRequired.path("nodeSelectorTerms");
            JsonNode newTerms = newAffinity == null ? null : newAffinity.path("requiredDuringSchedulingIgnoredDuringExecution").get("nodeSelectorTerms");
            int newCount = newTerms == null ? 0 : newTerms.size();
            if (oldTerms.size() > 0 && oldTerms.size() != newCount) {
                causes.add(FieldCause.invalidRendered(terms, NodeSelectorTerms.go(newTerms),
                        "no additions/deletions to non-empty NodeSelectorTerms list are allowed while pod is gated"));
            } else {
                for (int i = 0; i < oldTerms.size(); i++) {
                    if (!onlyAdditions(newTerms.get(i), oldTerms.get(i))) {
                        causes.add(FieldCause.invalidRendered(terms + "[" + i + "]", NodeSelectorTerms.goTerm(newTerms.get(i)),
                                "only additions are allowed (no mutations or deletions)"));
                    }
                }
            }
        }
        boolean otherAffinity = munged.path("affinity").has("podAffinity") || munged.path("affinity").has("podAntiAffinity");
        if (!munged.has("affinity") || munged.get("affinity").isNull()) {
            if (oldAffinity != null) {
                munged.putObject("affinity").set("nodeAffinity", oldAffinity);
            }
        } else if (!before.has("affinity") && !otherAffinity) {
            munged.remove("affinity");
        } else if (oldAffinity == null) {
            ((ObjectNode) munged.get("affinity")).remove("nodeAffinity");
        } else {
            ((ObjectNode) munged.get("affinity")).set("nodeAffinity", oldAffinity);
        }
    }

    /** kube's validateNodeSelectorTermHasOnlyAdditions: the old requirements are the new ones' beginning. */
    private static boolean onlyAdditions(JsonNode newTerm, JsonNode oldTerm) {
        for (String list : new String[] {"matchExpressions", "matchFields"}) {
            JsonNode was = oldTerm.path(list);
            JsonNode now = newTerm.path(list);
            if (was.size() > now.size()) {
                return false;
            }
            for (int i = 0; i < was.size(); i++) {
                if (!was.get(i).equals(now.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }
}
