package io.kapi.group.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.GarbageCollectionPolicy;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's Event strategy ({@code pkg/registry/core/event/strategy.go}), which events.k8s.io shares with
 * core/v1 (kube's events.k8s.io storage is core's event storage), for writes through events.k8s.io/v1:
 * {@link EventValidation}'s rules; a PUT of a missing event creates it; no defaults (events/v1 has
 * none); no part in garbage collection; kube's printer ({@link EventPrinter}); and the field
 * selectors events.k8s.io/v1 accepts (kube's field-label conversion for it,
 * {@code AddFieldLabelConversionsForEvent} in {@code pkg/apis/events/v1/conversion.go}, mapped onto
 * {@code ToSelectableFields}): {@code regarding.*} (for {@code involvedObject.*}), {@code reason},
 * {@code reportingController} (for {@code reportingComponent}), {@code source} (the source's
 * component, else the reporting controller) and {@code type}; core/v1's {@code involvedObject.*} names
 * are not among them.
 */
final class EventStrategy implements Strategy, GarbageCollectionPolicy {
    private static final List<String> REGARDING = List.of("kind", "namespace", "name", "uid", "apiVersion",
            "resourceVersion", "fieldPath");
    private final EventPrinter printer = new EventPrinter();

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return EventValidation.validateCreate(object);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return EventValidation.validateUpdate(object, old);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public Policy defaultGarbageCollectionPolicy(String version) {
        // kube's eventStrategy.DefaultGarbageCollectionPolicy: rest.Unsupported
        return Policy.UNSUPPORTED;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode event) {
        Map<String, String> fields = new LinkedHashMap<>();
        JsonNode regarding = event.get("regarding");
        for (String f : REGARDING) {
            fields.put("regarding." + f, Json.text(regarding, f));
        }
        fields.put("reason", Json.text(event, "reason"));
        String controller = Json.text(event, "reportingController");
        fields.put("reportingController", controller);
        String component = Json.text(event.get("deprecatedSource"), "component");
        fields.put("source", component.isEmpty() ? controller : component);
        fields.put("type", Json.text(event, "type"));
        return fields;
    }

    @Override
    public TableConvertor table() {
        return printer;
    }
}
