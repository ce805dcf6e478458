package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ForwardingRestStore;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Services as kube's service storage serves them: the generic store, with cluster IPs and node ports
 * allocated before validation and released after a failed write, a delete (with the Service's
 * Endpoints) or a type change; values the client sent again on an update are kept (kube's
 * patchAllocatedValues); a PUT to a missing Service creates it, allocating; a dry run reserves nothing.
 */
final class ServiceRest extends ForwardingRestStore {
    private static final Logger LOG = Logger.getLogger(ServiceRest.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    static final String SERVICES = "/registry/services/";
    static final String ENDPOINTS = "/registry/endpoints/";

    private final RestStore store;
    private final ServiceStrategy strategy;
    private final Storage storage;
    private final ServiceAllocator allocator;

    ServiceRest(RestStore store, ServiceStrategy strategy, Storage storage, ServiceCidr cidr, int portBase, int portMax) {
        super(store);
        this.store = store;
        this.strategy = strategy;
        this.storage = storage;
        this.allocator = new ServiceAllocator(storage, cidr, portBase, portMax, this::holdsIp, this::holdsPort);
    }

    ServiceAllocator allocator() {
        return allocator;
    }

    // ---- what a Service holds (for stale reservations)

    /** The stored Service {@code namespace/name}, null when there is none; a storage failure is thrown, never "none". */
    private JsonNode stored(String owner) {
        return StoredObjects.read(storage, SERVICES + owner);
    }

    private boolean holdsIp(String owner, String ip) {
        JsonNode svc = stored(owner);
        if (svc == null) {
            return false;
        }
        for (JsonNode n : svc.path("spec").path("clusterIPs")) {
            if (n.asText().equals(ip)) {
                return true;
            }
        }
        return false;
    }

    private boolean holdsPort(String owner, long port) {
        JsonNode svc = stored(owner);
        return svc != null && ServiceStrategy.nodePorts(svc.path("spec")).contains(port)
                || svc != null && svc.path("spec").path("healthCheckNodePort").asLong(0) == port;
    }

    // ---- allocation

    /** What one write reserved, given back if the write fails. */
    private final class Allocation {
        final String owner;
        final List<String> ips = new ArrayList<>();
        final List<Long> ports = new ArrayList<>();

        Allocation(String owner) {
            this.owner = owner;
        }

        /** Gives back what this write reserved, except what the stored Service holds (another write of it committed). */
        void rollback() {
            ips.forEach(ip -> releaseIp(ip, owner));
            ports.forEach(p -> releasePort(p, owner));
        }
    }

    /** Allocates what {@code svc} needs and {@code old} (null on create) does not have; writes the values into it. */
    private Allocation allocate(ObjectNode svc, JsonNode old, String owner, String name, boolean dryRun) {
        Allocation a = new Allocation(owner);
        ObjectNode spec = (ObjectNode) svc.get("spec");
        String type = spec.path("type").asText("");
        try {
            String clusterIP = spec.path("clusterIP").asText("");
            boolean hadIp = old != null && !ServiceStrategy.type(old).equals("ExternalName")
                    && old.path("spec").path("clusterIPs").size() > 0;
            if (!type.equals("ExternalName") && !clusterIP.equals("None") && !hadIp) {
                String ip = allocator.allocateIp(clusterIP.isEmpty() ? null : clusterIP, owner, name, dryRun, a.ips);
                spec.put("clusterIP", ip);
                spec.putArray("clusterIPs").add(ip);
            }
            if (type.equals("NodePort") || type.equals("LoadBalancer")) {
                boolean allocate = type.equals("NodePort") || spec.path("allocateLoadBalancerNodePorts").asBoolean(true);
                Set<Long> had = old == null ? Set.of() : ServiceStrategy.nodePorts(old.path("spec"));
                Set<Long> chosen = new HashSet<>();
                java.util.Map<Long, Long> byPort = new java.util.HashMap<>();
                int i = 0;
                for (JsonNode p : spec.path("ports")) {
                    ObjectNode port = (ObjectNode) p;
                    String path = "spec.ports[" + i++ + "].nodePort";
                    long requested = port.path("nodePort").asLong(0);
                    long number = port.path("port").asLong(0);
                    if (requested == 0 && byPort.containsKey(number)) {
                        port.put("nodePort", byPort.get(number)); // 53/TCP and 53/UDP share one node port
                        continue;
                    }
                    if (requested != 0 && (had.contains(requested) || chosen.contains(requested) && byPort.containsValue(requested))) {
                        byPort.putIfAbsent(number, requested);
                        chosen.add(requested);
                        continue;
                    }
                    if (requested == 0 && !allocate) {
                        continue;
                    }
                    long value = allocator.allocatePort(requested, owner, name, path, dryRun, chosen, a.ports);
                    port.put("nodePort", value);
                    byPort.putIfAbsent(number, value);
                }
                long hc = spec.path("healthCheckNodePort").asLong(0);
                long oldHc = old == null ? 0 : old.path("spec").path("healthCheckNodePort").asLong(0);
                if (type.equals("LoadBalancer") && spec.path("externalTrafficPolicy").asText("").equals("Local")
                        && (hc == 0 || hc != oldHc)) {
                    // requested or picked, reserved as the node ports are (kube: from the same range)
                    spec.put("healthCheckNodePort", allocator.allocatePort(hc, owner, name, "spec.healthCheckNodePort",
                            dryRun, chosen, a.ports));
                }
            }
            return a;
        } catch (RuntimeException e) {
            a.rollback();
            throw e;
        }
    }

    /** kube's pre-allocation check of the cluster IP fields (initIPFamilyFields): 422 before anything is reserved. */
    private static void preValidate(ObjectNode svc, String name) {
        if (ServiceStrategy.type(svc).equals("ExternalName")) {
            return;
        }
        List<FieldCause> causes = ServiceValidation.clusterIPs(svc.path("spec"), new ArrayList<>());
        if (!causes.isEmpty()) {
            throw StatusException.invalid("", "Service", name, causes);
        }
    }

    private static String owner(String namespace, String name) {
        return namespace + "/" + name;
    }

    // ---- verbs

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode input) {
        ObjectNode svc = input.deepCopy();
        ObjectNode m = Json.metadata(svc);
        String name = Json.text(m, "name");
        if (name.isEmpty() && !Json.text(m, "generateName").isEmpty()) {
            // named before allocating: the reservations carry the name
            StringBuilder b = new StringBuilder(Json.text(m, "generateName"));
            for (int i = 0; i < 5; i++) {
                b.append(ALPHANUMS.charAt(RANDOM.nextInt(ALPHANUMS.length())));
            }
            name = b.toString();
            m.put("name", name);
        }
        if (name.isEmpty() || !(svc.get("spec") instanceof ObjectNode) && svc.has("spec")) {
            return store.create(ctx, svc); // refused by the store's validation
        }
        String namespace = Json.text(m, "namespace").isEmpty() ? ctx.namespace() : Json.text(m, "namespace");
        strategy.applyDefaults(svc);
        preValidate(svc, name);
        Allocation a = allocate(svc, null, owner(namespace, name), name, ctx.dryRun());
        try {
            return store.create(ctx, svc);
        } catch (RuntimeException e) {
            a.rollback();
            throw e;
        }
    }

    /** The object a PUT to a missing Service creates. */
    private static final class CreateInstead extends RuntimeException {
        final ObjectNode object;

        CreateInstead(ObjectNode object) {
            super(null, null, false, false);
            this.object = object;
        }
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        String owner = owner(ctx.namespace(), name);
        Allocation[] last = {null};
        JsonNode[] before = {null};
        UpdateResult r;
        try {
            r = store.update(ctx, name, old -> {
                if (last[0] != null) {
                    last[0].rollback(); // the store runs the transform again after a conflict
                    last[0] = null;
                }
                if (old == null) {
                    ObjectNode created = transform.apply(null);
                    if (created == null) {
                        throw StatusException.notFound("", "services", name);
                    }
                    throw new CreateInstead(created);
                }
                ObjectNode next = transform.apply(old);
                if (next == null) {
                    return null;
                }
                if (!(next.get("spec") instanceof ObjectNode)) {
                    next.putObject("spec");
                }
                strategy.applyDefaults(next);
                patchAllocatedValues(next, old);
                preValidate(next, name);
                before[0] = old;
                last[0] = allocate(next, old, owner, name, ctx.dryRun());
                return next;
            });
        } catch (CreateInstead c) {
            Json.metadata(c.object).remove("resourceVersion"); // as the generic store creates on update
            return new UpdateResult(create(ctx, c.object), true);
        } catch (RuntimeException e) {
            if (last[0] != null) {
                last[0].rollback();
            }
            throw e;
        }
        if (!ctx.dryRun() && before[0] != null) {
            releaseDropped(before[0], r.object(), owner);
        }
        return new UpdateResult(r.object(), r.created());
    }

    /** kube's patchAllocatedValues: what the client left out of an update and the stored Service had stays. */
    private static void patchAllocatedValues(ObjectNode next, JsonNode old) {
        ObjectNode spec = (ObjectNode) next.get("spec");
        JsonNode oldSpec = old.path("spec");
        String type = spec.path("type").asText("");
        String oldType = oldSpec.path("type").asText("");
        if (!type.equals("ExternalName") && !oldType.equals("ExternalName")) {
            if (spec.path("clusterIP").asText("").isEmpty() && oldSpec.hasNonNull("clusterIP")) {
                spec.set("clusterIP", oldSpec.get("clusterIP"));
            }
            if (spec.path("clusterIPs").size() == 0 && oldSpec.has("clusterIPs")) {
                spec.set("clusterIPs", oldSpec.get("clusterIPs"));
            }
        }
        boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
        boolean oldNodePorts = oldType.equals("NodePort") || oldType.equals("LoadBalancer");
        if (nodePorts && oldNodePorts) {
            Set<Long> used = ServiceStrategy.nodePorts(spec);
            for (JsonNode p : spec.path("ports")) {
                if (p.path("nodePort").asLong(0) != 0) {
                    continue;
                }
                for (JsonNode o : oldSpec.path("ports")) {
                    // kube leaves a port's old value alone when another port of the new spec already uses it
                    if (o.path("name").asText("").equals(p.path("name").asText("")) && o.path("nodePort").asLong(0) != 0
                            && !used.contains(o.path("nodePort").asLong())) {
                        ((ObjectNode) p).put("nodePort", o.path("nodePort").asLong());
                        break;
                    }
                }
            }
            if (spec.path("healthCheckNodePort").asLong(0) == 0 && oldSpec.path("healthCheckNodePort").asLong(0) != 0
                    && spec.path("externalTrafficPolicy").asText("").equals("Local")) {
                spec.set("healthCheckNodePort", oldSpec.get("healthCheckNodePort"));
            }
        }
    }

    /** After a committed update: what the old Service held and the new one does not is released. */
    private void releaseDropped(JsonNode old, JsonNode now, String owner) {
        Set<String> ips = new HashSet<>();
        now.path("spec").path("clusterIPs").forEach(n -> ips.add(n.asText()));
        for (JsonNode ip : old.path("spec").path("clusterIPs")) {
            if (!ips.contains(ip.asText())) {
                releaseIp(ip.asText(), owner);
            }
        }
        Set<Long> ports = new HashSet<>(ServiceStrategy.nodePorts(now.path("spec")));
        ports.add(now.path("spec").path("healthCheckNodePort").asLong(0));
        Set<Long> oldPorts = new HashSet<>(ServiceStrategy.nodePorts(old.path("spec")));
        oldPorts.add(old.path("spec").path("healthCheckNodePort").asLong(0));
        for (long p : oldPorts) {
            if (!ports.contains(p)) {
                releasePort(p, owner);
            }
        }
    }

    private void releaseAll(JsonNode svc, String owner) {
        svc.path("spec").path("clusterIPs").forEach(ip -> releaseIp(ip.asText(), owner));
        ServiceStrategy.nodePorts(svc.path("spec")).forEach(p -> releasePort(p, owner));
        releasePort(svc.path("spec").path("healthCheckNodePort").asLong(0), owner);
    }

    /** Releases a cluster IP unless the Service stored under the same name now holds it (a new one of that name). */
    private void releaseIp(String ip, String owner) {
        if (!holdsIp(owner, ip)) {
            allocator.releaseIp(ip, owner);
        }
    }

    private void releasePort(long port, String owner) {
        if (port != 0 && !holdsPort(owner, port)) {
            allocator.releasePort(port, owner);
        }
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        DeleteResult r = store.delete(ctx, name, options);
        if (r.immediate() && !ctx.dryRun()) {
            releaseAll(r.object(), owner(ctx.namespace(), name));
            // kube's AfterDelete: the Service's Endpoints go with it
            String key = ENDPOINTS + ctx.namespace() + "/" + name;
            try {
                KeyValue ep = storage.get(key);
                if (ep != null) {
                    storage.delete(key, ep.modRevision());
                }
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.NOT_FOUND && e.code() != StorageException.Code.CONFLICT) {
                    throw e;
                }
                LOG.fine("the endpoints of service " + ctx.namespace() + "/" + name + " changed or went meanwhile: left as they are");
            }
        }
        return r;
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        // item by item through delete, so that each Service's values are released (as kube's store does)
        ObjectNode list = store.list(ctx, new ListOptions(listOptions.labelSelector(), listOptions.fieldSelector(), 0, null,
                null, null, false, 0, null));
        ArrayNode deleted = list.arrayNode();
        for (JsonNode item : list.path("items")) {
            RequestContext itemCtx = new RequestContext(Json.namespace((ObjectNode) item), ctx.user(), ctx.dryRun(), ctx.fieldManager());
            try {
                deleted.add(delete(itemCtx, Json.name((ObjectNode) item), deleteOptions).object());
            } catch (StatusException e) {
                if (!"NotFound".equals(e.reason())) {
                    throw e;
                }
            }
        }
        list.set("items", deleted);
        return list;
    }

}
