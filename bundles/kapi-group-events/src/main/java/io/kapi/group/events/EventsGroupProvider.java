package io.kapi.group.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.SharedStorage;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * events.k8s.io/v1: events (short name {@code ev}, namespaced, as kube 1.32's discovery lists them),
 * with kube 1.32's schema. As in kube, they are core/v1's events in another shape: stored under
 * core's key prefix as core/v1 Events ({@link EventConverter}), so an event written through either
 * group is read through both.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class EventsGroupProvider implements APIGroupProvider {
    static final String GROUP = "events.k8s.io";
    static final ObjectNode OPENAPI = Json.resource(EventsGroupProvider.class, "events-v1-openapi.json");
    /** core/v1 events, whose objects these are. */
    static final SharedStorage CORE_EVENTS = new SharedStorage("", "events", "v1", "Event", new EventConverter());

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "events", "Event").namespaced(true).shortNames("ev")
                    .openApi(OPENAPI, "io.k8s.api.events.v1.Event").strategy(new EventStrategy())
                    .sharedStorage(CORE_EVENTS)
                    .build());

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> versions() {
        return List.of("v1");
    }

    @Override
    public List<ResourceDefinition> resources() {
        return RESOURCES;
    }
}
