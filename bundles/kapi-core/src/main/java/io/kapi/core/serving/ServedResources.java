package io.kapi.core.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.StorageBinding;
import io.kapi.api.storage.Storage;
import io.kapi.core.endpoints.OtherVersions;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.core.registry.ScaleRest;
import io.kapi.core.registry.StatusRest;
import io.kapi.core.registry.StorageNamespaceGuard;
import io.kapi.core.registry.Versions;
import io.kapi.machinery.validation.NameValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds what serves one resource definition, as kube's API installer builds a resource's REST
 * storage: the generic store (or the group's own storage over it) on the resource's storage version,
 * and its status and scale subresources.
 */
final class ServedResources {
    private ServedResources() {
    }

    /** The served form of {@code def} of {@code group}: its REST storage on {@code storage} (null: every verb 503), with its subresources. */
    static ServedResource create(String group, ResourceDefinition def, String storageVersion,
                                                    Storage storage) {
        io.kapi.api.rest.SharedStorage shared = def.sharedStorage();
        ResourceMeta meta = new ResourceMeta(group, def.version(), def.plural(), def.kind(), def.namespaced(),
                shared == null ? null : ResourceMeta.keyPrefix(shared.group(), shared.resource()));
        if (storage == null) {
            return new ServedResource(meta, def, new Unavailable(), null, Map.of(), storageVersion);
        }
        GenericStore.Options options = new GenericStore.Options(shared != null ? new Versions(meta, shared)
                : new Versions(meta, storageVersion, def.converter()),
                def.status() != null, null);
        StorageBinding binding = new StorageBinding() {
            @Override
            public Storage storage() {
                return storage;
            }

            @Override
            public String keyPrefix() {
                return meta.keyPrefix();
            }

            @Override
            public io.kapi.api.rest.RestStore genericStore(io.kapi.api.rest.Strategy strategy) {
                return new GenericStore(meta, strategy, storage, new StorageNamespaceGuard(storage),
                        NameValidator.DNS1123_SUBDOMAIN, options);
            }
        };
        Object rest = def.storage() != null ? def.storage().create(binding) : binding.genericStore(def.strategy());
        // the subresources are served by the generic store on the resource's strategy, as kube's StatusREST and
        // ScaleREST wrap the resource's store
        Map<String, Object> subresources = new HashMap<>();
        GenericStore main = null;
        if (def.status() != null || def.scale() != null) {
            main = new GenericStore(meta, def.strategy(), storage, new StorageNamespaceGuard(storage),
                    NameValidator.DNS1123_SUBDOMAIN, options);
        }
        if (def.status() != null) {
            subresources.put("status", new StatusRest(new GenericStore(meta, def.strategy(), storage,
                    new StorageNamespaceGuard(storage), NameValidator.DNS1123_SUBDOMAIN,
                    new GenericStore.Options(options.versions(), true, def.status()))));
        }
        OtherVersions versions = ServedResource.otherVersions(meta, def);
        if (def.scale() != null) {
            subresources.put("scale", new ScaleRest(meta, main, def.scale(), versions.own().converting(versions)));
        }
        for (io.kapi.api.rest.Subresource sub : def.subresources()) {
            subresources.put(sub.name(), sub.storage().create(binding));
        }
        return new ServedResource(meta, def, rest, storage, subresources, storageVersion, versions);
    }

    /** A snapshot's served resources, and its groups by server name and group name, in claim order. */
    record Served(List<ServedResource> resources, Map<String, Map<String, GroupBuilder>> groupsByServer) {
    }

    /**
     * Served resources reused across snapshots while their provider, storage version and storage stay
     * the same (their watches and field managers then live on); only the rebuild thread uses it.
     */
    static final class Cache {
        private Map<String, ServedResource> resources = new HashMap<>();

        /** The served form of every winning claim; one that fails to build is reported and left out. */
        Served serve(java.util.Collection<Claims.Claim> winners, Storage storage, List<String> failures) {
            Map<String, ServedResource> next = new HashMap<>();
            Map<String, Map<String, GroupBuilder>> groupsByServer = new HashMap<>();
            List<ServedResource> served = new java.util.ArrayList<>();
            for (Claims.Claim c : winners) {
                APIGroupProvider provider = c.provider().service();
                String group = provider.group();
                String key = c.provider().serviceId() + "|" + group + "/" + c.def().version() + "/" + c.def().plural() + "|"
                        + c.storageVersion() + "|" + (storage == null ? 0 : System.identityHashCode(storage));
                ServedResource r = resources.get(key);
                if (r == null) {
                    try {
                        r = create(group, c.def(), c.storageVersion(), storage);
                    } catch (RuntimeException e) {
                        failures.add(group + "/" + c.def().version() + "/" + c.def().plural() + " of bundle "
                                + c.provider().bundle() + " failed: " + e);
                        continue;
                    }
                }
                next.put(key, r);
                served.add(r);
                String server = c.provider().property(APIGroupProvider.SERVER, "kube");
                groupsByServer.computeIfAbsent(server, k -> new java.util.LinkedHashMap<>())
                        .computeIfAbsent(group, g -> new GroupBuilder(g, provider.versions()))
                        .add(c.def().version(), r);
            }
            resources = next;
            // each resource's field manager reads the managedFields entries of its versions served now
            Map<String, List<ServedResource>> versionsOf = new HashMap<>();
            for (ServedResource r : served) {
                versionsOf.computeIfAbsent(r.meta().group() + "/" + r.meta().resource(), k -> new java.util.ArrayList<>()).add(r);
            }
            for (List<ServedResource> versions : versionsOf.values()) {
                for (ServedResource r : versions) {
                    r.readVersions(versions);
                }
            }
            return new Served(served, groupsByServer);
        }
    }

    /**
     * The version each resource of a provider is stored in, by plural: what its definitions name, else
     * the provider's most preferred version that has the resource, as kube stores a resource in its
     * preferred version unless told otherwise.
     */
    static Map<String, String> storageVersions(APIGroupProvider provider, List<ResourceDefinition> defs) {
        Map<String, String> out = new HashMap<>();
        for (ResourceDefinition d : defs) {
            if (d.storageVersion() != null && !d.storageVersion().isEmpty()) {
                out.putIfAbsent(d.plural(), d.storageVersion());
            }
        }
        for (String v : provider.versions()) {
            for (ResourceDefinition d : defs) {
                if (d.version().equals(v)) {
                    out.putIfAbsent(d.plural(), v);
                }
            }
        }
        for (ResourceDefinition d : defs) {
            out.putIfAbsent(d.plural(), d.version());
        }
        return out;
    }

    /** Storage for resources while no storage backend is present: every verb answers 503, and /readyz fails until a backend is back. */
    static final class Unavailable implements io.kapi.api.rest.RestStore {
        private static StatusException unavailable() {
            return StatusException.serviceUnavailable("storage is not available", 1);
        }

        @Override
        public ObjectNode get(io.kapi.api.rest.RequestContext ctx, String name, String rv) {
            throw unavailable();
        }

        @Override
        public ObjectNode list(io.kapi.api.rest.RequestContext ctx, io.kapi.api.rest.ListOptions options) {
            throw unavailable();
        }

        @Override
        public ObjectNode create(io.kapi.api.rest.RequestContext ctx, ObjectNode object) {
            throw unavailable();
        }

        @Override
        public UpdateResult update(io.kapi.api.rest.RequestContext ctx, String name, java.util.function.UnaryOperator<ObjectNode> t) {
            throw unavailable();
        }

        @Override
        public io.kapi.api.rest.GracefulDeleter.DeleteResult delete(io.kapi.api.rest.RequestContext ctx, String name, ObjectNode o) {
            throw unavailable();
        }

        @Override
        public ObjectNode deleteCollection(io.kapi.api.rest.RequestContext ctx, ObjectNode d, io.kapi.api.rest.ListOptions l) {
            throw unavailable();
        }

        @Override
        public AutoCloseable watch(io.kapi.api.rest.RequestContext ctx, io.kapi.api.rest.ListOptions o, io.kapi.api.rest.WatchSink s) {
            throw unavailable();
        }
    }
}
