package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.core.json.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields one resource's objects can be selected by and their values (kube's field label conversion): the
 * strategy's own and the two of every kind's metadata.
 */
final class SelectableFields {
    private final ResourceMeta meta;
    private final Strategy strategy;
    /** The field-selector fields this resource answers, from the strategy. */
    private final Set<String> names;

    SelectableFields(ResourceMeta meta, Strategy strategy) {
        this.meta = meta;
        this.strategy = strategy;
        ObjectNode typed = Json.object().put("apiVersion", meta.apiVersion()).put("kind", meta.kind());
        this.names = Set.copyOf(of(typed).keySet());
    }

    /** The selectable fields of {@code obj} and their values. */
    Map<String, String> of(ObjectNode obj) {
        Map<String, String> f = new HashMap<>(strategy.selectableFields(obj));
        f.put("metadata.name", Json.name(obj));
        // kube converts metadata.namespace for every kind; a cluster-scoped object has none ("")
        f.put("metadata.namespace", meta.namespaced() ? Json.namespace(obj) : "");
        return f;
    }

    /** kube's ConvertFieldLabel: a field the kind does not support is refused (400), before anything is read. */
    void checkSupported(String field) {
        if (names.contains(field)) {
            return;
        }
        // kube's field label conversion: core/v1's kinds have their own functions, a kind of another group
        // that selects more than its metadata has one in kube's style (a Job's), the others kube's default
        String message = strategy.unsupportedFieldSelector(field);
        if (message != null) {
            // the strategy's own (a custom resource's)
        } else if (meta.group().isEmpty()) {
            message = "field label not supported: " + field;
        } else if (names.size() > 2) {
            message = "field label " + FieldCause.goQuote(field) + " not supported for " + meta.kind();
        } else {
            message = FieldCause.goQuote(field) + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";
        }
        throw StatusException.badRequest(message);
    }
}
