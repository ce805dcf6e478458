package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ProxyConnecter;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.Storage;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * {@code nodes/proxy}, {@code pods/proxy} and {@code services/proxy}, as kube's proxy REST resolves them
 * ({@code ResourceLocation} of the node, pod and service registries) and forwards the request
 * ({@link ProxyForwarder}). The name may be {@code name}, {@code name:port} or {@code scheme:name:port}
 * (scheme {@code http} or {@code https}; anything else is kube's 400 {@code invalid node|pod|service request}).
 * <ul>
 * <li>A node is reached on its first address of kube-apiserver's default preferred types (Hostname,
 * InternalDNS, InternalIP, ExternalDNS, ExternalIP), on its kubelet port
 * ({@code status.daemonEndpoints.kubeletEndpoint.port}, else 10250) over https, or on another port with the
 * name's scheme; no address is kube's 500 {@code no preferred addresses found; known addresses: [...]}; a
 * host name that does not resolve, or resolves to an address that is not global unicast (loopback,
 * link-local, unspecified, multicast), is kube's 400.</li>
 * <li>A pod is reached on its first pod IP, on the name's port or its first declared container port; an IP that
 * is missing or not global unicast is kube's 400 {@code address not allowed}.</li>
 * <li>A service is reached through the Endpoints of its name, as kube reads them: an address whose target is a
 * pod of the namespace that has that IP, on the endpoint port named as the service port asked for (a number
 * names the service port with that number); none is kube's 503 {@code no endpoints available for service}.</li>
 * </ul>
 * Kapi runs no kubelets, pods or endpoints controller: what these resolve to is what clients stored.
 */
final class ProxyRest implements ProxyConnecter {
    enum Kind { NODE, POD, SERVICE }

    /** kube's proxy methods. */
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    /** kube-apiserver's {@code --kubelet-preferred-address-types} default. */
    static final List<String> PREFERRED = List.of("Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP");
    static final int KUBELET_PORT = 10250;

    /** Looks up a host name (the JVM's resolver; tests give their own). */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    /** Where a request goes: {@code http} or {@code https}, a host, a port ("" for the scheme's own). */
    record Location(String scheme, String host, String port) {
        URI uri(String path) {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return URI.create(scheme + "://" + h + (port.isEmpty() ? "" : ":" + port) + path);
        }
    }

    private final Kind kind;
    private final RestStore store;
    private final Storage storage;
    private final Resolver resolver;
    private final Predicate<InetAddress> allowed;

    ProxyRest(Kind kind, RestStore store, Storage storage) {
        this(kind, store, storage, InetAddress::getAllByName, ProxyRest::globalUnicast);
    }

    /** With the resolver and the address check given (tests: a loopback backend kube would refuse). */
    ProxyRest(Kind kind, RestStore store, Storage storage, Resolver resolver, Predicate<InetAddress> allowed) {
        this.kind = kind;
        this.store = store;
        this.storage = storage;
        this.resolver = resolver;
        this.allowed = allowed;
    }

    @Override
    public List<String> connectMethods() {
        return METHODS;
    }

    @Override
    public Response connect(RequestContext ctx, String name, String method, Map<String, List<String>> parameters) {
        ProxyResponse r = proxy(ctx, name, new ProxyRequest(method, "", "/", null, Map.of(), new byte[0], ""));
        return new Response(r.headers().getOrDefault("Content-Type", List.of("application/octet-stream")).get(0), r.body());
    }

    @Override
    public ProxyResponse proxy(RequestContext ctx, String name, ProxyRequest request) {
        Location location = locate(ctx, name);
        // kube's location path joined with the request's rest, a trailing slash kept
        String path = ProxyForwarder.joinPreservingSlash("", request.path());
        if (path.isEmpty() && (request.method().equals("GET") || request.method().equals("HEAD"))) {
            // kube's UpgradeAwareHandler: an empty path is redirected to the one that ends with '/'
            String query = request.query() == null || request.query().isEmpty() ? "" : "?" + request.query();
            return new ProxyResponse(301, Map.of("Location", List.of(request.prefix() + "/" + query)), new byte[0]);
        }
        if (!location.port().isEmpty() && !validPort(location.port())) {
            throw StatusException.serviceUnavailable("error trying to reach service: dial tcp: address "
                    + location.host() + ":" + location.port() + ": invalid port", 0);
        }
        return ProxyForwarder.forward(location.uri(path), request);
    }

    Location locate(RequestContext ctx, String id) {
        String[] parts = id.split(":", -1);
        String scheme = parts.length == 3 ? parts[0] : "";
        String name = parts.length == 3 ? parts[1] : parts[0];
        String port = parts.length == 3 ? parts[2] : parts.length == 2 ? parts[1] : "";
        if (parts.length > 3 || name.isEmpty() || !(scheme.isEmpty() || scheme.equals("http") || scheme.equals("https"))) {
            String what = switch (kind) {
                case NODE -> "node";
                case POD -> "pod";
                case SERVICE -> "service";
            };
            throw StatusException.badRequest("invalid " + what + " request " + FieldCause.goQuote(id));
        }
        // kube's proxy handler defaults a missing scheme to http
        String http = scheme.isEmpty() ? "http" : scheme;
        return switch (kind) {
            case NODE -> node(ctx, name, http, port);
            case POD -> pod(ctx, name, http, port);
            case SERVICE -> service(ctx, name, http, port, id);
        };
    }

    private Location node(RequestContext ctx, String name, String scheme, String port) {
        JsonNode node = store.get(ctx, name, null);
        String host = preferredAddress(node);
        InetAddress[] resolved;
        try {
            resolved = literal(host) != null ? new InetAddress[] {literal(host)} : resolver.lookup(host);
        } catch (UnknownHostException e) {
            // Go's resolver error (kube's also names the DNS server it asked)
            throw StatusException.badRequest("lookup " + host + ": no such host");
        }
        if (resolved.length == 0) {
            throw StatusException.badRequest("no addresses for hostname");
        }
        for (InetAddress a : resolved) {
            if (!allowed.test(a)) {
                throw StatusException.badRequest("address not allowed");
            }
        }
        int kubelet = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("port").asInt(0);
        String kubeletPort = String.valueOf(kubelet > 0 ? kubelet : KUBELET_PORT);
        if (port.isEmpty() || port.equals(kubeletPort)) {
            return new Location("https", host, kubeletPort);
        }
        return new Location(scheme, host, port);
    }

    /**
     * The address kube-apiserver reaches a node's kubelet on: its first address of the preferred types
     * ({@code nodeutil.GetPreferredNodeAddress}); none is kube's plain error, a 500 with no reason.
     */
    static String preferredAddress(JsonNode node) {
        JsonNode addresses = node.path("status").path("addresses");
        for (String type : PREFERRED) {
            for (JsonNode a : addresses) {
                if (a.path("type").asText().equals(type)) {
                    return a.path("address").asText();
                }
            }
        }
        List<String> known = new ArrayList<>();
        addresses.forEach(a -> known.add("{" + a.path("type").asText() + " " + a.path("address").asText() + "}"));
        throw new StatusException(500, "", "no preferred addresses found; known addresses: [" + String.join(" ", known) + "]");
    }

    private Location pod(RequestContext ctx, String name, String scheme, String port) {
        JsonNode pod = store.get(ctx, name, null);
        if (port.isEmpty()) {
            for (JsonNode c : pod.path("spec").path("containers")) {
                if (!c.path("ports").isEmpty()) {
                    port = c.path("ports").get(0).path("containerPort").asText();
                    break;
                }
            }
        }
        String ip = podIp(pod);
        InetAddress address = ip.isEmpty() ? null : literal(ip);
        if (address == null || !allowed.test(address)) {
            throw StatusException.badRequest("address not allowed");
        }
        return new Location(scheme, ip, port);
    }

    private Location service(RequestContext ctx, String name, String scheme, String port, String id) {
        String portName = port;
        if (!port.isEmpty() && port.chars().allMatch(Character::isDigit) && port.length() < 19) {
            long number = Long.parseLong(port);
            JsonNode svc = store.get(ctx, name, null);
            portName = null;
            for (JsonNode p : svc.path("spec").path("ports")) {
                if (p.path("port").asLong() == number) {
                    portName = p.path("name").asText("");
                    break;
                }
            }
            if (portName == null) {
                throw StatusException.serviceUnavailable("no service port " + number + " found for service " + FieldCause.goQuote(name), 0);
            }
        }
        JsonNode endpoints = read(ServiceRest.ENDPOINTS + ctx.namespace() + "/" + name);
        if (endpoints == null) {
            throw StatusException.notFound("", "endpoints", name);
        }
        JsonNode subsets = endpoints.path("subsets");
        if (subsets.isEmpty()) {
            throw StatusException.serviceUnavailable("no endpoints available for service " + FieldCause.goQuote(name), 0);
        }
        // kube starts from a random subset and a random address in it, and takes the first valid one
        int seed = ThreadLocalRandom.current().nextInt(subsets.size());
        for (int s = 0; s < subsets.size(); s++) {
            JsonNode subset = subsets.get((seed + s) % subsets.size());
            JsonNode addresses = subset.path("addresses");
            if (addresses.isEmpty()) {
                continue;
            }
            for (JsonNode p : subset.path("ports")) {
                if (!p.path("name").asText("").equals(portName)) {
                    continue;
                }
                int start = ThreadLocalRandom.current().nextInt(addresses.size());
                for (int i = 0; i < addresses.size(); i++) {
                    JsonNode address = addresses.get((start + i) % addresses.size());
                    if (validAddress(ctx, address)) {
                        return new Location(scheme, address.path("ip").asText(), p.path("port").asText());
                    }
                }
            }
        }
        throw StatusException.serviceUnavailable("no endpoints available for service " + FieldCause.goQuote(id), 0);
    }

    /** kube's {@code isValidAddress}: the address names a pod of the request's namespace that has that IP. */
    private boolean validAddress(RequestContext ctx, JsonNode address) {
        JsonNode target = address.path("targetRef");
        if (target.isMissingNode() || target.isNull() || !target.path("namespace").asText("").equals(ctx.namespace())) {
            return false;
        }
        JsonNode pod = read("/registry/pods/" + ctx.namespace() + "/" + target.path("name").asText(""));
        if (pod == null) {
            return false;
        }
        String ip = address.path("ip").asText();
        for (JsonNode p : podIps(pod)) {
            if (p.path("ip").asText().equals(ip)) {
                return true;
            }
        }
        return false;
    }

    /** The pod's IPs as kube's internal pod status holds them: {@code podIPs}, else {@code podIP} alone. */
    private static JsonNode podIps(JsonNode pod) {
        JsonNode ips = pod.path("status").path("podIPs");
        String ip = pod.path("status").path("podIP").asText("");
        if (ips.isEmpty() && !ip.isEmpty()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(Json.object().put("ip", ip));
        }
        return ips;
    }

    /** kube's {@code getPodIP}: the first pod IP. */
    static String podIp(JsonNode pod) {
        JsonNode ips = podIps(pod);
        return ips.isEmpty() ? "" : ips.get(0).path("ip").asText("");
    }

    private JsonNode read(String key) {
        return StoredObjects.read(storage, key);
    }

    /** An IP literal as Go's sloppy parser reads it (no name lookup), null when {@code s} is not one. */
    static InetAddress literal(String s) {
        try {
            int[] v4 = NodeStrategy.ipv4(s);
            if (v4 != null) {
                return InetAddress.getByAddress(new byte[] {(byte) v4[0], (byte) v4[1], (byte) v4[2], (byte) v4[3]});
            }
            int[] v6 = s.contains(":") ? NodeStrategy.ipv6(s) : null;
            if (v6 != null) {
                byte[] b = new byte[16];
                for (int i = 0; i < 8; i++) {
                    b[2 * i] = (byte) (v6[i] >> 8);
                    b[2 * i + 1] = (byte) v6[i];
                }
                return InetAddress.getByAddress(b);
            }
            return null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Go's {@code IP.IsGlobalUnicast}: not unspecified, loopback, multicast, link-local or the IPv4 broadcast address. */
    static boolean globalUnicast(InetAddress a) {
        byte[] b = a.getAddress();
        boolean broadcast = b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
        return !(a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress() || a.isLinkLocalAddress() || broadcast);
    }

    private static boolean validPort(String port) {
        return port.chars().allMatch(Character::isDigit) && port.length() <= 5 && Integer.parseInt(port) <= 65535;
    }
}
