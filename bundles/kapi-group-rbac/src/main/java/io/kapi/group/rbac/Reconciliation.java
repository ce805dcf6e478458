package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's RBAC reconciliation ({@code pkg/registry/rbac/reconciliation}: {@code computeReconciledRole},
 * {@code computeReconciledRoleBinding}) in its union mode, the one {@code EnsureRBACPolicy} uses: an
 * existing object keeps everything it has and gains what the expected one adds (annotations and
 * labels it lacks, missing rules as kube's broken-down rules, missing aggregation selectors, missing
 * subjects); a binding whose role reference differs is recreated; an object annotated
 * {@code rbac.authorization.kubernetes.io/autoupdate: "false"} is protected and never written. Pure
 * functions on JSON objects; the caller writes.
 */
final class Reconciliation {
    static final String AUTO_UPDATE = "rbac.authorization.kubernetes.io/autoupdate";

    enum Operation { NONE, CREATE, UPDATE, RECREATE }

    /** What to do, whether the existing object is protected from it, and the object to write. */
    record Result(Operation operation, boolean isProtected, ObjectNode object) {
    }

    private Reconciliation() {
    }

    /** The reconciled role or cluster role; {@code existing} null means it is to be created. */
    static Result role(ObjectNode existing, ObjectNode expected) {
        if (existing == null) {
            return new Result(Operation.CREATE, false, expected.deepCopy());
        }
        ObjectNode result = existing.deepCopy();
        boolean changed = mergeMetadata(result, existing, expected);
        List<ObjectNode> missing = PolicyRules.uncovered(PolicyRules.rules(existing), PolicyRules.rules(expected));
        if (!missing.isEmpty()) {
            ArrayNode rules = result.get("rules") instanceof ArrayNode a ? a : result.putArray("rules");
            missing.forEach(rules::add);
            changed = true;
        }
        JsonNode expectedAggregation = present(expected.get("aggregationRule"));
        JsonNode existingAggregation = present(existing.get("aggregationRule"));
        if (expectedAggregation == null && existingAggregation != null) {
            // kube did not expect an aggregated role: it takes the aggregation away
            result.remove("aggregationRule");
            changed = true;
        } else if (expectedAggregation != null) {
            List<JsonNode> missingSelectors = new ArrayList<>();
            for (JsonNode s : expectedAggregation.path("clusterRoleSelectors")) {
                boolean covered = false;
                if (existingAggregation != null) {
                    for (JsonNode o : existingAggregation.path("clusterRoleSelectors")) {
                        covered |= o.equals(s);
                    }
                }
                if (!covered) {
                    missingSelectors.add(s);
                }
            }
            if (!missingSelectors.isEmpty()) {
                ObjectNode aggregation = result.get("aggregationRule") instanceof ObjectNode a ? a : result.putObject("aggregationRule");
                ArrayNode selectors = aggregation.get("clusterRoleSelectors") instanceof ArrayNode a
                        ? a : aggregation.putArray("clusterRoleSelectors");
                missingSelectors.forEach(s -> selectors.add(s.deepCopy()));
                changed = true;
            }
        }
        return new Result(changed ? Operation.UPDATE : Operation.NONE, isProtected(existing), result);
    }

    /** The reconciled role binding or cluster role binding; {@code existing} null means it is to be created. */
    static Result binding(ObjectNode existing, ObjectNode expected) {
        if (existing == null) {
            return new Result(Operation.CREATE, false, expected.deepCopy());
        }
        if (!roleRef(existing).equals(roleRef(expected))) {
            // a role reference cannot change: kube deletes the binding and creates the expected one
            return new Result(Operation.RECREATE, isProtected(existing), expected.deepCopy());
        }
        ObjectNode result = existing.deepCopy();
        boolean changed = mergeMetadata(result, existing, expected);
        List<List<String>> have = new ArrayList<>();
        existing.path("subjects").forEach(s -> have.add(subject(s)));
        for (JsonNode s : expected.path("subjects")) {
            if (!have.contains(subject(s))) {
                ArrayNode subjects = result.get("subjects") instanceof ArrayNode a ? a : result.putArray("subjects");
                subjects.add(s.deepCopy());
                have.add(subject(s));
                changed = true;
            }
        }
        return new Result(changed ? Operation.UPDATE : Operation.NONE, isProtected(existing), result);
    }

    static boolean isProtected(ObjectNode existing) {
        return "false".equals(Json.text(existing.path("metadata").get("annotations"), AUTO_UPDATE));
    }

    private static JsonNode present(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    private static List<String> roleRef(JsonNode binding) {
        JsonNode r = binding.path("roleRef");
        return List.of(Json.text(r, "apiGroup"), Json.text(r, "kind"), Json.text(r, "name"));
    }

    /** kube's {@code rbacv1.Subject} as a value: kind, API group, name, namespace. */
    private static List<String> subject(JsonNode s) {
        return List.of(Json.text(s, "kind"), Json.text(s, "apiGroup"), Json.text(s, "name"), Json.text(s, "namespace"));
    }

    /** kube's {@code merge(expected, existing)} of annotations and labels: the existing values win. */
    private static boolean mergeMetadata(ObjectNode result, ObjectNode existing, ObjectNode expected) {
        boolean changed = false;
        ObjectNode metadata = Json.metadata(result);
        for (String field : List.of("annotations", "labels")) {
            Map<String, String> before = Json.stringMap(existing.path("metadata").get(field));
            Map<String, String> merged = new LinkedHashMap<>(Json.stringMap(expected.path("metadata").get(field)));
            merged.putAll(before);
            if (!Objects.equals(merged, before)) {
                ObjectNode node = metadata.putObject(field);
                merged.forEach(node::put);
                changed = true;
            }
        }
        return changed;
    }
}
