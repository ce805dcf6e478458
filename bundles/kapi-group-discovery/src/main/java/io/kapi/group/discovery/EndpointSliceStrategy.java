package io.kapi.group.discovery;

import static io.kapi.group.discovery.EndpointSliceValidation.present;
import static io.kapi.group.discovery.EndpointSliceValidation.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube 1.32's EndpointSlice ({@code pkg/registry/discovery/endpointslice}): the v1 port defaults (name
 * {@code ""}, protocol {@code TCP}) and the {@code conditions} struct Go always writes; generation 1 on
 * create, raised by an update that changes anything but metadata, or the labels; the v1 API's writes to
 * {@code deprecatedTopology} dropped ({@code dropTopologyOnV1}); validation in
 * {@link EndpointSliceValidation} with the address type immutable; any update without a
 * resourceVersion; kube's printer. The {@code kubernetes.io/service-name} label is not required.
 */
final class EndpointSliceStrategy implements Strategy {
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    private static final int SHOWN = 3;

    private final TableConvertor table;

    EndpointSliceStrategy(ObjectNode openApi) {
        JsonNode props = openApi.path("io.k8s.api.discovery.v1.EndpointSlice").path("properties");
        table = Printer.builder().name()
                .column(TableColumn.of("AddressType", "string", description(props, "addressType")), o -> text(o, "addressType"))
                .column(TableColumn.of("Ports", "string", description(props, "ports")), o -> ports(o.get("ports")))
                .column(TableColumn.of("Endpoints", "string", description(props, "endpoints")), o -> endpoints(o.get("endpoints")))
                .age().build();
    }

    private static String description(JsonNode properties, String field) {
        return properties.path(field).path("description").asText("");
    }

    /**
     * kube's {@code SetDefaults_EndpointPort} for every port, and an empty {@code conditions} for every
     * endpoint (a struct field, which Go's encoder always writes).
     */
    @Override
    public void applyDefaults(ObjectNode object) {
        for (JsonNode p : object.path("ports")) {
            if (p instanceof ObjectNode port) {
                if (!present(port.get("name"))) {
                    port.put("name", "");
                }
                if (!present(port.get("protocol"))) {
                    port.put("protocol", "TCP");
                }
            }
        }
        for (JsonNode e : object.path("endpoints")) {
            if (e instanceof ObjectNode endpoint && !(endpoint.get("conditions") instanceof ObjectNode)) {
                endpoint.putObject("conditions");
            }
        }
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        dropTopology(null, object);
    }

    /** kube's PrepareForUpdate: a change beyond metadata, or to the labels, raises the generation; then dropTopologyOnV1. */
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        ObjectNode meta = Json.metadata(object);
        JsonNode oldMeta = old.path("metadata");
        ObjectNode body = object.deepCopy();
        ObjectNode oldBody = old.deepCopy();
        body.remove("metadata");
        oldBody.remove("metadata");
        if (!semanticEquals(body, oldBody) || !semanticEquals(meta.get("labels"), oldMeta.get("labels"))) {
            meta.put("generation", oldMeta.path("generation").asLong(0) + 1);
        }
        dropTopology(old, object);
    }

    /**
     * kube's {@code dropTopologyOnV1}: {@code deprecatedTopology} is not writable through v1. An update
     * that leaves the endpoints as they were keeps it; otherwise it goes, and an endpoint without a node
     * name takes the {@code kubernetes.io/hostname} it named there when the old slice named that node too.
     */
    static void dropTopology(ObjectNode old, ObjectNode object) {
        if (old != null && semanticEquals(old.get("endpoints"), object.get("endpoints"))) {
            return;
        }
        Set<String> previous = new HashSet<>();
        if (old != null) {
            for (JsonNode e : old.path("endpoints")) {
                String node = text(e.path("deprecatedTopology"), HOSTNAME_LABEL);
                if (!node.isEmpty()) {
                    previous.add(node);
                }
            }
        }
        for (JsonNode e : object.path("endpoints")) {
            if (!(e instanceof ObjectNode endpoint)) {
                continue;
            }
            JsonNode topology = endpoint.path("deprecatedTopology");
            JsonNode node = topology.get(HOSTNAME_LABEL);
            if (!present(endpoint.get("nodeName")) && present(node) && previous.contains(node.asText())
                    && NameValidation.isDNS1123Subdomain(node.asText()).isEmpty()) {
                endpoint.put("nodeName", node.asText());
            }
            endpoint.remove("deprecatedTopology");
        }
    }

    /**
     * kube's {@code equality.Semantic.DeepEqual} of two JSON values of this kind: an absent or null field,
     * an empty list and an empty map are Go's nil and equal to each other.
     */
    static boolean semanticEquals(JsonNode a, JsonNode b) {
        return normalize(a).equals(normalize(b));
    }

    private static JsonNode normalize(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode() || (n.isArray() && n.isEmpty())) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(v -> out.add(normalize(v)));
            return out;
        }
        if (n.isObject()) {
            ObjectNode out = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = normalize(e.getValue());
                boolean emptyMap = e.getKey().equals("deprecatedTopology") && v.isObject() && v.isEmpty();
                if (!v.isNull() && !emptyMap) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        return n;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return EndpointSliceValidation.validate(object);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return EndpointSliceValidation.validateUpdate(object, old);
    }

    @Override
    public TableConvertor table() {
        return table;
    }

    /** kube's {@code formatDiscoveryPorts}: the first three port numbers (else names, else {@code *}). */
    static String ports(JsonNode ports) {
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        if (ports != null) {
            for (JsonNode port : ports) {
                if (list.size() < SHOWN) {
                    JsonNode number = port.get("port");
                    JsonNode name = port.get("name");
                    list.add(present(number) ? Long.toString(number.asLong()) : present(name) ? name.asText() : "*");
                } else if (list.size() == SHOWN) {
                    more = true;
                }
                count++;
            }
        }
        return listWithMore(list, more, count);
    }

    /** kube's {@code formatDiscoveryEndpoints}: the first three addresses of all the endpoints. */
    static String endpoints(JsonNode endpoints) {
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        if (endpoints != null) {
            for (JsonNode endpoint : endpoints) {
                for (JsonNode address : endpoint.path("addresses")) {
                    if (list.size() < SHOWN) {
                        list.add(address.asText());
                    } else if (list.size() == SHOWN) {
                        more = true;
                    }
                    count++;
                }
            }
        }
        return listWithMore(list, more, count);
    }

    /** kube's {@code listWithMoreString}: {@code a,b,c + 2 more...}, or {@code <unset>} for nothing to show. */
    private static String listWithMore(List<String> list, boolean more, int count) {
        String shown = String.join(",", list);
        if (more) {
            return shown + " + " + (count - SHOWN) + " more...";
        }
        return shown.isEmpty() ? "<unset>" : shown;
    }
}
