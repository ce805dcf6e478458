package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kube's apiextensions controllers for what Kapi serves, on one thread: it lists the
 * CustomResourceDefinitions (again after every change it watches), accepts their names and marks them
 * Established (kube's naming and establishing controllers: a plural or kind another definition of the
 * group already uses is refused, {@code NamesAccepted=False}), serves each group's established
 * definitions as one API group ({@link CrdGroup}, handed to {@code publish}), and finishes a definition
 * being deleted: its custom resources deleted through their storage, then the
 * {@code customresourcecleanup} finalizer removed (kube's finalizing controller).
 */
final class CrdController implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CrdController.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final RequestContext CTX = LoopbackClient.context("");
    static final String KEY_PREFIX = "/registry/" + CrdGroupProvider.GROUP + "/" + CrdGroupProvider.RESOURCE + "/";

    private final LoopbackClient client;
    /** Conversion webhooks' service references, through the Services and Endpoints stored here. */
    private final ServiceEndpoints.Resolver services;
    private final Storage storage;
    /** Serves (non-null) or withdraws (null) one group's custom resources. */
    private final BiConsumer<String, CrdGroup> publish;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-crd-controller");
        t.setDaemon(true);
        return t;
    });
    /** What each served group was built from (the definitions' specs and deletion), to publish only what changed. */
    private final Map<String, List<JsonNode>> published = new HashMap<>();
    private AutoCloseable watch;
    private boolean resyncQueued;
    private volatile boolean closed;

    CrdController(LoopbackClient client, Storage storage, BiConsumer<String, CrdGroup> publish) {
        this.client = client;
        this.services = ServiceEndpoints.through(client);
        this.storage = storage;
        this.publish = publish;
    }

    void start() {
        submit(this::resync, 0);
    }

    private void submit(Runnable r, long delayMillis) {
        try {
            worker.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "CRD controller stopped; dropping a task", e);
        }
    }

    /** One pass at a time: changes coming in a burst are seen by one list. */
    private void queueResync(long delayMillis) {
        synchronized (this) {
            if (resyncQueued || closed) {
                return;
            }
            resyncQueued = true;
        }
        submit(() -> {
            synchronized (this) {
                resyncQueued = false;
            }
            resync();
        }, delayMillis);
    }

    private void resync() {
        if (closed) {
            return;
        }
        try {
            RestStore crds = client.resource(CrdGroupProvider.GROUP, "v1", CrdGroupProvider.RESOURCE);
            ObjectNode list = crds.list(CTX, ListOptions.NONE);
            if (watch == null) {
                String rv = list.path("metadata").path("resourceVersion").asText("");
                watch = crds.watch(CTX, new ListOptions(null, null, 0, null, rv, null, false, 0, null), new WatchSink() {
                    @Override
                    public void event(String type, ObjectNode object) {
                        queueResync(50);
                    }

                    @Override
                    public void closed(StatusException error) {
                        submit(() -> {
                            watch = null;
                            queueResync(1000);
                        }, 0);
                    }
                });
            }
            reconcile(list.path("items"));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "CRD controller cannot list CustomResourceDefinitions; trying again in 1 s", e);
            queueResync(1000);
        }
    }

    private void reconcile(JsonNode items) {
        Map<String, List<ObjectNode>> byGroup = new TreeMap<>();
        Map<String, String> pluralOwner = new HashMap<>();
        Map<String, String> kindOwner = new HashMap<>();
        List<ObjectNode> all = new ArrayList<>();
        items.forEach(i -> all.add((ObjectNode) i));
        // definitions already established keep their names; later ones conflict with them (kube's naming controller)
        all.sort((a, b) -> Boolean.compare(!CrdConditions.isTrue(a, "Established"), !CrdConditions.isTrue(b, "Established")));
        for (ObjectNode crd : all) {
            String name = Json.name(crd);
            JsonNode spec = crd.path("spec");
            String group = spec.path("group").asText();
            String plural = group + "/" + spec.path("names").path("plural").asText();
            String kind = group + "/" + spec.path("names").path("kind").asText();
            boolean deleting = !Json.text(crd.get("metadata"), "deletionTimestamp").isEmpty();
            String conflict = null;
            if (pluralOwner.containsKey(plural) && !pluralOwner.get(plural).equals(name)) {
                conflict = "\"" + spec.path("names").path("plural").asText() + "\" is already in use";
            } else if (kindOwner.containsKey(kind) && !kindOwner.get(kind).equals(name)) {
                conflict = "\"" + spec.path("names").path("kind").asText() + "\" is already in use";
            }
            if (conflict != null) {
                String why = conflict;
                writeStatus(name, c -> {
                    CrdConditions.set(c, "NamesAccepted", "False", "NameConflict", why);
                    CrdConditions.set(c, "Established", "False", "NotAccepted", "not all names are accepted");
                });
                continue;
            }
            pluralOwner.put(plural, name);
            kindOwner.put(kind, name);
            if (deleting) {
                finish(crd);
                // still served while its custom resources are deleted
                byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(crd);
                continue;
            }
            writeStatus(name, c -> {
                c.with("status").set("acceptedNames", c.path("spec").path("names").deepCopy());
                CrdConditions.set(c, "NamesAccepted", "True", "NoConflicts", "no conflicts found");
                CrdConditions.set(c, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted");
            });
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(crd);
        }
        for (Map.Entry<String, List<ObjectNode>> e : byGroup.entrySet()) {
            List<JsonNode> specs = new ArrayList<>();
            // what a group is built from: each definition's spec, and whether it is terminating (creates refused)
            e.getValue().forEach(c -> specs.add(Json.object().<ObjectNode>set("spec", c.path("spec"))
                    .put("terminating", !Json.text(c.get("metadata"), "deletionTimestamp").isEmpty())));
            if (!specs.equals(published.get(e.getKey()))) {
                published.put(e.getKey(), specs);
                publish.accept(e.getKey(), new CrdGroup(e.getKey(), e.getValue(), services));
            }
        }
        for (String group : new ArrayList<>(published.keySet())) {
            if (!byGroup.containsKey(group)) {
                published.remove(group);
                publish.accept(group, null);
            }
        }
    }

    /** kube's finalizing controller: the custom resources go, then the finalizer, then (the store) the definition. */
    private void finish(ObjectNode crd) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        String plural = spec.path("names").path("plural").asText();
        String version = null;
        for (JsonNode v : spec.path("versions")) {
            if (v.path("served").asBoolean(false)) {
                version = v.path("name").asText();
            }
        }
        try {
            if (version != null) {
                RestStore instances = client.resource(group, version, plural);
                instances.deleteCollection(CTX, Json.object(), ListOptions.NONE);
                if (instances.list(CTX, ListOptions.NONE).path("items").size() > 0) {
                    queueResync(1000); // some wait for their own finalizers
                    return;
                }
            }
        } catch (StatusException e) {
            if (e.code() != 404) {
                LOG.log(Level.WARNING, "deleting the custom resources of " + Json.name(crd) + " failed; trying again", e);
                queueResync(1000);
                return;
            }
            // not served (any more): what is left in storage goes with the definition
            for (KeyValue kv : storage.list("/registry/" + group + "/" + plural + "/", 0, null, 0).items()) {
                storage.delete(kv.key(), 0);
            }
        }
        RestStore crds = client.resource(CrdGroupProvider.GROUP, "v1", CrdGroupProvider.RESOURCE);
        try {
            crds.update(CTX, Json.name(crd), current -> {
                if (current == null) {
                    throw StatusException.notFound(CrdGroupProvider.GROUP, CrdGroupProvider.RESOURCE, Json.name(crd));
                }
                ObjectNode c = current.deepCopy();
                ObjectNode m = Json.metadata(c);
                com.fasterxml.jackson.databind.node.ArrayNode kept = m.arrayNode();
                m.path("finalizers").forEach(f -> {
                    if (!CrdStrategy.CLEANUP_FINALIZER.equals(f.asText())) {
                        kept.add(f);
                    }
                });
                if (kept.isEmpty()) {
                    m.remove("finalizers");
                } else {
                    m.set("finalizers", kept);
                }
                return c;
            });
        } catch (StatusException e) {
            if (e.code() != 404) {
                LOG.log(Level.WARNING, "removing the cleanup finalizer of " + Json.name(crd) + " failed; trying again", e);
                queueResync(1000);
            }
        }
    }

    /**
     * Writes the definition's status as the controllers own it, straight to storage (kube's controllers
     * update the status subresource); nothing is written when nothing changes.
     */
    private void writeStatus(String name, Consumer<ObjectNode> change) {
        String key = KEY_PREFIX + name;
        for (int attempt = 0; attempt < 5; attempt++) {
            KeyValue kv = storage.get(key);
            if (kv == null) {
                return;
            }
            try {
                ObjectNode stored = (ObjectNode) MAPPER.readTree(kv.value());
                ObjectNode changed = stored.deepCopy();
                change.accept(changed);
                if (Objects.equals(stored.get("status"), changed.get("status"))) {
                    return;
                }
                storage.update(key, kv.modRevision(), MAPPER.writeValueAsBytes(changed));
                return;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    LOG.log(Level.WARNING, "writing the status of CRD " + name + " failed", e);
                    return;
                }
            } catch (IOException | ClassCastException e) {
                LOG.log(Level.WARNING, "the stored CRD " + name + " is not JSON; its status is not written", e);
                return;
            }
        }
        queueResync(1000);
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        AutoCloseable w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing the CRD watch", e);
            }
        }
        // the groups it published are withdrawn by whoever registered them (the component, on deactivation)
    }
}
