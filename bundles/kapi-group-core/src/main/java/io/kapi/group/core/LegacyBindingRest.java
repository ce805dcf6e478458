package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.RequestContext;

/**
 * core/v1 {@code bindings}, as kube's {@code LegacyBindingREST}: the older way to bind a pod, a Binding
 * created in the pod's namespace under the pod's name, answered exactly as {@code pods/binding} answers
 * it. Create only, as in kube's discovery.
 */
final class LegacyBindingRest implements Creater {
    private final PodBindingRest pods;

    LegacyBindingRest(PodBindingRest pods) {
        this.pods = pods;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode binding) {
        return pods.create(ctx, Json.text(binding.get("metadata"), "name"), binding);
    }
}
