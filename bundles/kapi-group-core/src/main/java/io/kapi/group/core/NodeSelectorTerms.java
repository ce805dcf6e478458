package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;

/**
 * Node selector terms as kube's field errors print them: Go's {@code %#v} of the internal
 * {@code []core.NodeSelectorTerm} (a missing list is Go's nil slice, an empty one {@code {}}).
 */
final class NodeSelectorTerms {
    private NodeSelectorTerms() {
    }

    /** {@code []core.NodeSelectorTerm{...}} or {@code []core.NodeSelectorTerm(nil)}. */
    static String go(JsonNode terms) {
        return slice("core.NodeSelectorTerm", terms, NodeSelectorTerms::goTerm);
    }

    /** One {@code core.NodeSelectorTerm{MatchExpressions:..., MatchFields:...}}. */
    static String goTerm(JsonNode term) {
        return "core.NodeSelectorTerm{MatchExpressions:" + slice("core.NodeSelectorRequirement", term.get("matchExpressions"), NodeSelectorTerms::requirement)
                + ", MatchFields:" + slice("core.NodeSelectorRequirement", term.get("matchFields"), NodeSelectorTerms::requirement) + "}";
    }

    private static String requirement(JsonNode r) {
        return "core.NodeSelectorRequirement{Key:" + FieldCause.goQuote(r.path("key").asText("")) + ", Operator:"
                + FieldCause.goQuote(r.path("operator").asText("")) + ", Values:"
                + slice("string", r.get("values"), v -> FieldCause.goQuote(v.asText(""))) + "}";
    }

    private static String slice(String type, JsonNode list, java.util.function.Function<JsonNode, String> item) {
        if (list == null || !list.isArray()) {
            return "[]" + type + "(nil)";
        }
        List<String> items = new ArrayList<>();
        list.forEach(e -> items.add(item.apply(e)));
        return "[]" + type + "{" + String.join(", ", items) + "}";
    }
}
