package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Connecter;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pods/log}, {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}, as kube's pod
 * REST answers them up to the point where it would reach the pod's kubelet: the pod and its container
 * are checked, a pod that no scheduler has placed has an empty log and cannot be exec'd, attached or
 * forwarded to ({@code pod web does not have a host assigned}); a pod on a node without an address kube
 * reaches kubelets on is kube's 500 ({@code no preferred addresses found; known addresses: []}). Kapi runs no
 * kubelets, so a pod placed on a node with an address answers 503: there is no node agent to connect to.
 */
final class PodConnections implements Connecter {
    enum Kind { LOG, EXEC, ATTACH, PORTFORWARD }

    private static final String NODES = "/registry/nodes/";
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Kind kind;
    private final RestStore pods;
    private final Storage storage;

    PodConnections(Kind kind, RestStore pods, Storage storage) {
        this.kind = kind;
        this.pods = pods;
        this.storage = storage;
    }

    @Override
    public List<String> connectMethods() {
        return kind == Kind.LOG ? List.of("GET") : List.of("GET", "POST");
    }

    @Override
    public Response connect(RequestContext ctx, String name, String method, Map<String, List<String>> parameters) {
        if (kind == Kind.LOG) {
            validateLogOptions(name, parameters);
        }
        ObjectNode pod = pods.get(ctx, name, null);
        if (kind != Kind.PORTFORWARD) {
            container(pod, first(parameters, "container"));
        }
        String node = pod.path("spec").path("nodeName").asText("");
        if (node.isEmpty()) {
            if (kind == Kind.LOG) {
                // kube streams nothing for a pod that has not been assigned a host
                return new Response("text/plain", new byte[0]);
            }
            throw StatusException.badRequest("pod " + name + " does not have a host assigned");
        }
        io.kapi.api.storage.KeyValue stored = storage.get(NODES + node);
        if (stored == null) {
            throw StatusException.notFound("", "nodes", node);
        }
        // kube's kubelet connection info: the node's preferred address, or its plain 500
        String address;
        try {
            address = ProxyRest.preferredAddress(MAPPER.readTree(stored.value()));
        } catch (java.io.IOException e) {
            throw StatusException.internal("node " + node + " cannot be read: " + e.getMessage());
        }
        throw StatusException.serviceUnavailable("no kubelet to connect to on node " + node + " (" + address
                + "): Kapi stores pods and nodes but runs no node agents", 0);
    }

    /** kube's {@code validateContainer}: the named container, or the only one. */
    static String container(ObjectNode pod, String container) {
        String name = Json.name(pod);
        List<String> names = new ArrayList<>();
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : pod.path("spec").path(list)) {
                names.add(c.path("name").asText());
            }
        }
        JsonNode containers = pod.path("spec").path("containers");
        if (container == null || container.isEmpty()) {
            if (containers.size() == 1) {
                return containers.get(0).path("name").asText();
            }
            if (containers.isEmpty()) {
                throw StatusException.badRequest("a container name must be specified for pod " + name);
            }
            throw StatusException.badRequest("a container name must be specified for pod " + name + ", choose one of: "
                    + "[" + String.join(" ", names) + "]");
        }
        if (!names.contains(container)) {
            throw StatusException.badRequest("container " + container + " is not valid for pod " + name);
        }
        return container;
    }

    /** kube's {@code ValidatePodLogOptions}, on the options as the query carries them. */
    static void validateLogOptions(String name, Map<String, List<String>> parameters) {
        List<FieldCause> causes = new ArrayList<>();
        Long tail = number(parameters, "tailLines");
        if (tail != null && tail < 0) {
            causes.add(FieldCause.invalid("tailLines", tail, "must be greater than or equal to 0"));
        }
        Long limit = number(parameters, "limitBytes");
        if (limit != null && limit < 1) {
            causes.add(FieldCause.invalid("limitBytes", limit, "must be greater than 0"));
        }
        Long since = number(parameters, "sinceSeconds");
        String sinceTime = first(parameters, "sinceTime");
        if (since != null && sinceTime != null) {
            causes.add(FieldCause.forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        } else if (since != null && since < 1) {
            causes.add(FieldCause.invalid("sinceSeconds", since, "must be greater than 0"));
        }
        if (!causes.isEmpty()) {
            throw StatusException.invalid("", "PodLogOptions", name, causes);
        }
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> v = parameters.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Long number(Map<String, List<String>> parameters, String name) {
        String v = first(parameters, name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw StatusException.badRequest("invalid value for " + name + ": " + v + " is not an integer");
        }
    }
}
