package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A webhook's {@code service} reference resolved as kube-apiserver resolves it with
 * {@code --enable-aggregator-routing} (k8s.io/apiserver {@code proxy.ResolveEndpoint}): the Service stored in
 * Kapi (ClusterIP, NodePort or LoadBalancer), its port, then an address of its Endpoints that has the port of
 * the same name, picked at random. Kapi serves on loopback, where a Service's cluster IP leads nowhere, so the
 * Endpoints are where a webhook is reached; the TLS server name stays {@code <name>.<namespace>.svc}, as kube's.
 */
final class ServiceEndpoints {
    /** Resolves {@code namespace/name:port} to {@code https://<ip>:<port>}, or throws with kube's reason. */
    @FunctionalInterface
    interface Resolver {
        String resolve(String namespace, String name, int port);
    }

    private ServiceEndpoints() {
    }

    /** The resolver reading Services and Endpoints through the server's loopback client. */
    static Resolver through(LoopbackClient client) {
        return (namespace, name, port) -> resolve(
                client.resource("", "v1", "services").get(LoopbackClient.context(namespace), name, null),
                () -> client.resource("", "v1", "endpoints").get(LoopbackClient.context(namespace), name, null), port);
    }

    interface EndpointsSource {
        ObjectNode get();
    }

    /** kube's {@code ResolveEndpoint} over a Service and (read only if the Service fits) its Endpoints. */
    static String resolve(JsonNode service, EndpointsSource endpoints, int port) {
        String name = service.path("metadata").path("name").asText();
        String type = service.path("spec").path("type").asText("ClusterIP");
        if (!List.of("ClusterIP", "LoadBalancer", "NodePort").contains(type)) {
            throw new IllegalArgumentException("unsupported service type \"" + type + "\"");
        }
        JsonNode servicePort = null;
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("port").asInt() == port) {
                servicePort = p;
                break;
            }
        }
        if (servicePort == null) {
            throw StatusException.serviceUnavailable("no service port " + port + " found for service \"" + name + "\"", 0);
        }
        String portName = servicePort.path("name").asText("");
        JsonNode subsets = endpoints.get().path("subsets");
        if (subsets.size() == 0) {
            throw StatusException.serviceUnavailable("no endpoints available for service \"" + name + "\"", 0);
        }
        int seed = ThreadLocalRandom.current().nextInt(subsets.size());
        for (int i = 0; i < subsets.size(); i++) {
            JsonNode subset = subsets.get((seed + i) % subsets.size());
            JsonNode addresses = subset.path("addresses");
            if (addresses.size() == 0) {
                continue;
            }
            for (JsonNode p : subset.path("ports")) {
                if (p.path("name").asText("").equals(portName)) {
                    String ip = addresses.get(ThreadLocalRandom.current().nextInt(addresses.size())).path("ip").asText();
                    return "https://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + p.path("port").asInt();
                }
            }
        }
        throw StatusException.serviceUnavailable("no endpoints available for service \"" + name + "\"", 0);
    }
}
