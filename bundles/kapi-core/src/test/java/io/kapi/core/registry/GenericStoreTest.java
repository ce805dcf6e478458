package io.kapi.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.rest.WatchSink;
import io.kapi.core.json.Json;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REST semantics of the generic registry store, on the real embedded storage. */
class GenericStoreTest {
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    GenericStore namespaces;
    GenericStore configmaps;
    final RequestContext cluster = ctx("");
    final RequestContext dflt = ctx("default");

    static RequestContext ctx(String ns) {
        return new RequestContext(ns, new UserInfo("admin", "", List.of("system:masters")), false, null);
    }

    @BeforeEach
    void setUp() {
        storage = EmbeddedStorage.open(dir);
        namespaces = new GenericStore(new ResourceMeta("", "v1", "namespaces", "Namespace", false), new Strategy() { },
                storage, NamespaceGuard.NONE, NameValidator.DNS1123_LABEL);
        Strategy cmStrategy = new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                return object.path("data").has("bad") ? List.of(FieldCause.invalid("data[bad]", "bad", "not allowed")) : List.of();
            }
        };
        configmaps = new GenericStore(new ResourceMeta("", "v1", "configmaps", "ConfigMap", true), cmStrategy, storage,
                new StorageNamespaceGuard(storage), NameValidator.DNS1123_SUBDOMAIN);
        namespaces.create(cluster, obj("{\"metadata\":{\"name\":\"default\"}}"));
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    ObjectNode cm(String name, String labels) {
        return obj("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels + "}},\"data\":{\"a\":\"1\"}}");
    }

    /**
     * A create's and an update's answer is the object written, not its stored bytes parsed again: it must still be
     * what a GET then gives, member for member and in the same order (the resourceVersion first in the metadata).
     */
    @Test
    void writesAnswerWhatAGetGives() {
        ObjectNode created = configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"w\",\"labels\":{\"a\":\"b\"}},"
                + "\"data\":{\"n\":\"1\"},\"binaryData\":{}}"));
        assertEquals(configmaps.get(dflt, "w", null).toString(), created.toString());
        ObjectNode updated = configmaps.update(dflt, "w", cur -> {
            cur.with("data").put("n", "2");
            Json.metadata(cur).with("annotations").put("x", "y");
            return cur;
        }).object();
        assertEquals("2", updated.at("/data/n").asText());
        assertEquals(configmaps.get(dflt, "w", null).toString(), updated.toString());
        assertEquals("resourceVersion", updated.get("metadata").fieldNames().next());
    }

    @Test
    void createSetsSystemFieldsAndGetReturnsThem() {
        ObjectNode created = configmaps.create(dflt, cm("one", ""));
        JsonNode m = created.get("metadata");
        assertEquals("default", m.get("namespace").asText());
        assertFalse(m.get("uid").asText().isEmpty());
        assertFalse(m.get("creationTimestamp").asText().isEmpty());
        assertEquals(storage.currentRevision(), m.get("resourceVersion").asLong());
        ObjectNode got = configmaps.get(dflt, "one", null);
        assertEquals(created.get("metadata"), got.get("metadata"));
        assertEquals("ConfigMap", got.get("kind").asText());
    }

    @Test
    void errorsAreKubeStatuses() {
        configmaps.create(dflt, cm("one", ""));
        StatusException exists = assertThrows(StatusException.class, () -> configmaps.create(dflt, cm("one", "")));
        assertEquals(409, exists.code());
        assertEquals("AlreadyExists", exists.reason());
        assertEquals("configmaps \"one\" already exists", exists.getMessage());
        StatusException missing = assertThrows(StatusException.class, () -> configmaps.get(dflt, "nope", null));
        assertEquals("configmaps \"nope\" not found", missing.getMessage());
        StatusException invalid = assertThrows(StatusException.class, () -> configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"Bad_Name\"},\"data\":{\"bad\":\"x\"}}")));
        assertEquals(422, invalid.code());
        assertEquals(2, invalid.causes().size());
        assertTrue(invalid.getMessage().startsWith("ConfigMap \"Bad_Name\" is invalid: ["), invalid.getMessage());
        StatusException noNs = assertThrows(StatusException.class, () -> configmaps.create(ctx("ghost"), cm("x", "")));
        assertEquals("namespaces \"ghost\" not found", noNs.getMessage());
        StatusException withVersion = assertThrows(StatusException.class,
                () -> configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"two\",\"resourceVersion\":\"5\"}}")));
        assertEquals(422, withVersion.code());
        assertEquals("ConfigMap \"two\" is invalid: metadata.resourceVersion: Invalid value: \"5\": "
                + "resourceVersion should not be set on objects to be created", withVersion.getMessage());
        assertEquals(2, storage.count("/registry/"), "nothing half-written");
    }

    @Test
    void aFieldSelectorOnAFieldTheKindDoesNotSupportIsRefused() {
        configmaps.create(dflt, cm("one", ""));
        ListOptions byName = new ListOptions(null, "metadata.name=one", 0, null, null, null, false, 0, null);
        assertEquals(1, configmaps.list(dflt, byName).get("items").size());
        ListOptions unsupported = new ListOptions(null, "spec.foo=bar", 0, null, null, null, false, 0, null);
        StatusException list = assertThrows(StatusException.class, () -> configmaps.list(dflt, unsupported));
        assertEquals(400, list.code());
        assertEquals("field label not supported: spec.foo", list.getMessage());
        assertThrows(StatusException.class, () -> configmaps.watch(dflt, unsupported, null));
        assertThrows(StatusException.class, () -> configmaps.deleteCollection(dflt, Json.object(), unsupported));
        assertEquals(1, configmaps.list(dflt, byName).get("items").size(), "nothing deleted");
    }

    @Test
    void generateName() {
        ObjectNode created = configmaps.create(dflt, obj("{\"metadata\":{\"generateName\":\"gen-\"}}"));
        assertTrue(Json.name(created).matches("gen-[a-z0-9]{5}"));
    }

    /** kube 1.32's RetryGenerateName: a generated name that is taken is replaced, up to 8 attempts in all. */
    @Test
    void aTakenGeneratedNameIsGeneratedAgain() {
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"gen-taken\"}}"));
        java.util.Iterator<String> suffixes = List.of("taken", "taken", "fresh").iterator();
        configmaps.nameSuffixes(suffixes::next);
        ObjectNode created = configmaps.create(dflt, obj("{\"metadata\":{\"generateName\":\"gen-\"}}"));
        assertEquals("gen-fresh", Json.name(created));

        configmaps.nameSuffixes(() -> "taken");
        StatusException e = assertThrows(StatusException.class,
                () -> configmaps.create(dflt, obj("{\"metadata\":{\"generateName\":\"gen-\"}}")));
        assertEquals(409, e.code());
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        configmaps.nameSuffixes(() -> {
            tries.incrementAndGet();
            return "taken";
        });
        assertThrows(StatusException.class, () -> configmaps.create(dflt, obj("{\"metadata\":{\"generateName\":\"gen-\"}}")));
        assertEquals(GenericStore.MAX_NAME_GENERATION_CREATE_ATTEMPTS, tries.get());
        // a name the client chose is not replaced
        assertEquals(409, assertThrows(StatusException.class,
                () -> configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"gen-taken\",\"generateName\":\"gen-\"}}"))).code());
    }

    /**
     * A default a strategy puts as a long equals the same number read back from storage: an update that
     * removes it and has it defaulted again is no change, and validation sees the old value unchanged.
     */
    @Test
    void numbersPutInCodeCompareAsStored() {
        List<String> seen = new java.util.ArrayList<>();
        Strategy longs = new Strategy() {
            @Override
            public void applyDefaults(ObjectNode object) {
                ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
                if (!spec.has("grace")) {
                    spec.put("grace", 30L);
                }
            }

            @Override
            public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
                seen.add(String.valueOf(object.get("spec").equals(old.get("spec"))));
                return List.of();
            }
        };
        GenericStore things = new GenericStore(new ResourceMeta("example.com", "v1", "things", "Thing", true), longs, storage,
                new StorageNamespaceGuard(storage), NameValidator.DNS1123_SUBDOMAIN);
        things.create(dflt, obj("{\"metadata\":{\"name\":\"t\"}}"));
        long before = storage.currentRevision();
        things.update(dflt, "t", cur -> {
            ((ObjectNode) cur.get("spec")).remove("grace");
            return cur;
        });
        assertEquals(List.of("true"), seen, "the defaulted long equals the stored int");
        assertEquals(before, storage.currentRevision(), "and the update is no change");
    }

    @Test
    void updateIsOptimisticAndSkipsNoOps() {
        ObjectNode created = configmaps.create(dflt, cm("one", ""));
        String rv = created.get("metadata").get("resourceVersion").asText();
        ObjectNode stale = created.deepCopy();
        ObjectNode changed = created.deepCopy();
        ((ObjectNode) changed.get("data")).put("a", "2");
        ObjectNode updated = configmaps.update(dflt, "one", cur -> changed).object();
        assertNotEquals(rv, updated.get("metadata").get("resourceVersion").asText());
        ((ObjectNode) stale.get("data")).put("a", "3");
        StatusException conflict = assertThrows(StatusException.class, () -> configmaps.update(dflt, "one", cur -> stale));
        assertEquals("Conflict", conflict.reason());
        assertTrue(conflict.getMessage().contains("the object has been modified"));
        long before = storage.currentRevision();
        configmaps.update(dflt, "one", cur -> cur);
        assertEquals(before, storage.currentRevision(), "an unchanged object is not written");
        ObjectNode uidChange = configmaps.get(dflt, "one", null);
        ((ObjectNode) uidChange.get("metadata")).put("uid", "other");
        ObjectNode kept = configmaps.update(dflt, "one", cur -> uidChange).object();
        assertEquals(updated.get("metadata").get("uid"), kept.get("metadata").get("uid"), "system fields are the server's");
    }

    @Test
    void deleteWithPreconditions() {
        ObjectNode created = configmaps.create(dflt, cm("one", ""));
        StatusException wrongUid = assertThrows(StatusException.class,
                () -> configmaps.delete(dflt, "one", obj("{\"preconditions\":{\"uid\":\"x\"}}")));
        assertEquals(409, wrongUid.code());
        assertTrue(wrongUid.getMessage().contains("Precondition failed: UID in precondition: x"));
        var deleted = configmaps.delete(dflt, "one", obj("{\"preconditions\":{\"uid\":\"" + created.get("metadata").get("uid").asText() + "\"}}"));
        assertTrue(deleted.immediate());
        assertThrows(StatusException.class, () -> configmaps.get(dflt, "one", null));
    }

    @Test
    void finalizersMakeDeletionGraceful() {
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"fin\",\"finalizers\":[\"x/y\"]}}"));
        var marked = configmaps.delete(dflt, "fin", null);
        assertFalse(marked.immediate());
        assertNotNull(marked.object().get("metadata").get("deletionTimestamp"));
        ObjectNode cur = configmaps.get(dflt, "fin", null);
        ((ObjectNode) cur.get("metadata")).remove("finalizers");
        configmaps.update(dflt, "fin", c -> cur);
        assertThrows(StatusException.class, () -> configmaps.get(dflt, "fin", null));
    }

    /**
     * kube's core validation of a built-in kind's finalizers: one without a domain must be a standard one, on create and
     * on update; a custom resource's store (an {@link io.kapi.api.rest.Unstructured} strategy) takes it, as kube does.
     */
    @Test
    void aBuiltInKindsFinalizerIsStandardOrFullyQualified() {
        StatusException created = assertThrows(StatusException.class,
                () -> configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"f1\",\"finalizers\":[\"orphan\",\"hold\",\"x.io/keep\"]}}")));
        assertEquals(422, created.code());
        assertEquals("ConfigMap \"f1\" is invalid: metadata.finalizers[1]: Invalid value: \"hold\": name is neither a standard finalizer "
                + "name nor is it fully qualified", created.getMessage());
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"f1\",\"finalizers\":[\"orphan\",\"x.io/keep\"]}}"));
        ObjectNode current = configmaps.get(dflt, "f1", null);
        ((com.fasterxml.jackson.databind.node.ArrayNode) current.get("metadata").get("finalizers")).add("keep");
        StatusException updated = assertThrows(StatusException.class, () -> configmaps.update(dflt, "f1", c -> current));
        assertEquals("ConfigMap \"f1\" is invalid: metadata.finalizers[2]: Invalid value: \"keep\": name is neither a standard finalizer "
                + "name nor is it fully qualified", updated.getMessage());
        class Custom implements Strategy, io.kapi.api.rest.Unstructured {
        }
        GenericStore widgets = new GenericStore(new ResourceMeta("example.com", "v1", "widgets", "Widget", true), new Custom(), storage,
                new StorageNamespaceGuard(storage), NameValidator.DNS1123_SUBDOMAIN);
        widgets.create(dflt, obj("{\"metadata\":{\"name\":\"w\",\"finalizers\":[\"hold\"]}}"));
        assertEquals("[\"hold\"]", widgets.get(dflt, "w", null).get("metadata").get("finalizers").toString());
    }

    @Test
    void listSelectorsPagingAndConsistentSnapshot() {
        for (int i = 0; i < 10; i++) {
            configmaps.create(dflt, cm("cm-" + i, "\"parity\":\"" + (i % 2 == 0 ? "even" : "odd") + "\""));
        }
        ObjectNode even = configmaps.list(dflt, new ListOptions("parity=even", null, 0, null, null, null, false, 0, null));
        assertEquals(5, even.get("items").size());
        ObjectNode byName = configmaps.list(dflt, new ListOptions(null, "metadata.name=cm-3", 0, null, null, null, false, 0, null));
        assertEquals(1, byName.get("items").size());
        ObjectNode page1 = configmaps.list(dflt, new ListOptions(null, null, 4, null, null, null, false, 0, null));
        assertEquals(4, page1.get("items").size());
        assertEquals(6, page1.get("metadata").get("remainingItemCount").asLong());
        String cont = page1.get("metadata").get("continue").asText();
        configmaps.create(dflt, cm("cm-new", ""));
        List<String> names = new ArrayList<>();
        page1.get("items").forEach(i -> names.add(Json.name((ObjectNode) i)));
        while (!cont.isEmpty()) {
            ObjectNode page = configmaps.list(dflt, new ListOptions(null, null, 4, cont, null, null, false, 0, null));
            page.get("items").forEach(i -> names.add(Json.name((ObjectNode) i)));
            assertEquals(page1.get("metadata").get("resourceVersion"), page.get("metadata").get("resourceVersion"));
            cont = page.get("metadata").path("continue").asText("");
        }
        assertEquals(10, names.size(), "the pages show the snapshot of the first page: " + names);
        assertFalse(names.contains("cm-new"));
        ObjectNode evenPaged = configmaps.list(dflt, new ListOptions("parity=odd", null, 2, null, null, null, false, 0, null));
        assertEquals(2, evenPaged.get("items").size());
        StatusException bad = assertThrows(StatusException.class,
                () -> configmaps.list(dflt, new ListOptions(null, null, 0, "garbage", null, null, false, 0, null)));
        assertEquals(400, bad.code());
    }

    @Test
    void compactedContinueAndResourceVersionAreExpired() {
        for (int i = 0; i < 4; i++) {
            configmaps.create(dflt, cm("cm-" + i, ""));
        }
        ObjectNode page1 = configmaps.list(dflt, new ListOptions(null, null, 2, null, null, null, false, 0, null));
        String rv = page1.get("metadata").get("resourceVersion").asText();
        configmaps.create(dflt, cm("later", ""));
        storage.compact(storage.currentRevision());
        StatusException expired = assertThrows(StatusException.class, () -> configmaps.list(dflt,
                new ListOptions(null, null, 2, page1.get("metadata").get("continue").asText(), null, null, false, 0, null)));
        assertEquals(410, expired.code());
        assertEquals("Expired", expired.reason());
        StatusException watchExpired = assertThrows(StatusException.class, () -> configmaps.watch(dflt,
                new ListOptions(null, null, 0, null, rv, null, false, 0, null), new Sink()));
        assertEquals(410, watchExpired.code());
        assertEquals("Expired", watchExpired.reason());
        assertEquals("too old resource version: " + rv + " (" + storage.compactedRevision() + ")", watchExpired.getMessage());
    }

    /**
     * An informer's LIST then WATCH from the LIST's resourceVersion, with compaction to exactly that revision in
     * between (a quiet server's automatic compaction): the watch needs only later changes, so it starts (kube's
     * watch cache refuses only "resourceVersion < oldest-1"; etcd keeps the revision it compacted to).
     */
    @Test
    void watchFromTheCompactedRevisionOfAListStartsAndGetsLaterChanges() throws Exception {
        configmaps.create(dflt, cm("one", ""));
        ObjectNode list = configmaps.list(dflt, new ListOptions(null, null, 0, null, null, null, false, 0, null));
        String rv = list.get("metadata").get("resourceVersion").asText();
        storage.compact(Long.parseLong(rv));
        assertEquals(Long.parseLong(rv), storage.compactedRevision());
        configmaps.create(dflt, cm("two", "")); // before the watch: replayed
        Sink sink = new Sink();
        try (AutoCloseable w = configmaps.watch(dflt, new ListOptions(null, null, 0, null, rv, null, false, 0, null), sink)) {
            assertEquals("ADDED two", sink.events.poll(5, TimeUnit.SECONDS));
            configmaps.create(dflt, cm("three", "")); // after: live
            assertEquals("ADDED three", sink.events.poll(5, TimeUnit.SECONDS));
            assertNull(sink.events.poll(200, TimeUnit.MILLISECONDS), "nothing else, in particular no error");
        }
        // one revision older needs the change at rv, which compaction dropped: 410
        StatusException older = assertThrows(StatusException.class, () -> configmaps.watch(dflt,
                new ListOptions(null, null, 0, null, Long.toString(Long.parseLong(rv) - 1), null, false, 0, null), new Sink()));
        assertEquals(410, older.code());
        assertEquals("too old resource version: " + (Long.parseLong(rv) - 1) + " (" + rv + ")", older.getMessage());
    }

    static ListOptions rvOptions(String rv, String match, String cont, Boolean sendInitialEvents, boolean bookmarks) {
        return new ListOptions(null, null, 0, cont, rv, match, bookmarks, 0, sendInitialEvents);
    }

    static String invalidListOptions(org.junit.jupiter.api.function.Executable call) {
        StatusException e = assertThrows(StatusException.class, call);
        assertEquals(422, e.code());
        assertEquals("Invalid", e.reason());
        return e.getMessage();
    }

    /** kube's ValidateListOptions / validateWatchOptions (WatchList on): 422 for ListOptions.meta.k8s.io, kube's texts. */
    @Test
    void listOptionCombinationsKubeRefusesAre422() {
        String prefix = "ListOptions.meta.k8s.io \"\" is invalid: ";
        assertEquals(prefix + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                invalidListOptions(() -> configmaps.list(dflt, rvOptions(null, "NotOlderThan", null, null, false))));
        assertEquals(prefix + "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                invalidListOptions(() -> configmaps.list(dflt, rvOptions("0", "Exact", null, null, false))));
        assertEquals(prefix + "resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"",
                invalidListOptions(() -> configmaps.list(dflt, rvOptions("1", "Newest", null, null, false))));
        assertEquals(prefix + "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list",
                invalidListOptions(() -> configmaps.list(dflt, rvOptions(null, null, null, true, false))));
        assertEquals(prefix + "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                invalidListOptions(() -> configmaps.watch(dflt, rvOptions(null, null, null, true, true), new Sink())));
        assertEquals(prefix + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                invalidListOptions(() -> configmaps.watch(dflt, rvOptions("1", "NotOlderThan", null, null, false), new Sink())));
        assertEquals(prefix + "[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, "
                        + "resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]",
                invalidListOptions(() -> configmaps.watch(dflt, rvOptions("1", "Exact", null, true, true), new Sink())));
        // what kube accepts still works: a NotOlderThan list
        assertEquals(0, configmaps.list(dflt, rvOptions("1", "NotOlderThan", null, null, false)).get("items").size());
    }

    /**
     * sendInitialEvents=true with resourceVersionMatch=NotOlderThan (watch-list): the newest state, which is not
     * older than the resourceVersion asked for, even when that one is compacted away, then the initial-events-end
     * bookmark and the changes after it (kube's cacher waits until it is that fresh and sends its current state).
     */
    @Test
    void watchListSendsTheNewestStateForAnyResourceVersion() throws Exception {
        configmaps.create(dflt, cm("one", ""));
        String old = configmaps.list(dflt, ListOptions.NONE).get("metadata").get("resourceVersion").asText();
        configmaps.create(dflt, cm("two", ""));
        storage.compact(storage.currentRevision());
        assertTrue(Long.parseLong(old) < storage.compactedRevision());
        for (String rv : List.of(old, Long.toString(storage.compactedRevision()), "")) {
            Sink sink = new Sink();
            try (AutoCloseable w = configmaps.watch(dflt, rvOptions(rv, "NotOlderThan", null, true, true), sink)) {
                assertEquals("ADDED one", sink.events.poll(5, TimeUnit.SECONDS), "resourceVersion " + rv);
                assertEquals("ADDED two", sink.events.poll(5, TimeUnit.SECONDS));
                assertEquals("BOOKMARK k8s.io/initial-events-end", sink.events.poll(5, TimeUnit.SECONDS));
                String later = "later-" + (rv.isEmpty() ? "now" : rv);
                configmaps.create(dflt, cm(later, ""));
                assertEquals("ADDED " + later, sink.events.poll(5, TimeUnit.SECONDS));
                configmaps.delete(dflt, later, null);
                assertEquals("DELETED " + later, sink.events.poll(5, TimeUnit.SECONDS));
            }
        }
        // without initial events, the compacted resourceVersion is still too old
        StatusException expired = assertThrows(StatusException.class, () -> configmaps.watch(dflt, rvOptions(old, null, null, null, false), new Sink()));
        assertEquals(410, expired.code());
    }

    @Test
    void aWatchFromNowOrFromAnyIsAWatchListAsWithWatchListOn() throws Exception {
        // kube 1.32 (WatchList on) defaults a watch with resourceVersion "" or "0" that names neither
        // sendInitialEvents nor resourceVersionMatch to sendInitialEvents=true + NotOlderThan
        // (SetListOptionsDefaults): the same initial ADDEDs, then the initial-events-end bookmark for a
        // client that allows bookmarks.
        configmaps.create(dflt, cm("one", ""));
        for (String rv : List.of("", "0")) {
            Sink bookmarking = new Sink();
            try (AutoCloseable w = configmaps.watch(dflt, rvOptions(rv, null, null, null, true), bookmarking)) {
                assertEquals("ADDED one", bookmarking.events.poll(5, TimeUnit.SECONDS), "resourceVersion '" + rv + "'");
                assertEquals("BOOKMARK k8s.io/initial-events-end", bookmarking.events.poll(5, TimeUnit.SECONDS));
            }
            Sink plain = new Sink();
            try (AutoCloseable w = configmaps.watch(dflt, rvOptions(rv, null, null, null, false), plain)) {
                assertEquals("ADDED one", plain.events.poll(5, TimeUnit.SECONDS));
                configmaps.create(dflt, cm("after" + rv, ""));
                assertEquals("ADDED after" + rv, plain.events.poll(5, TimeUnit.SECONDS), "no bookmark without allowWatchBookmarks");
            }
            configmaps.delete(dflt, "after" + rv, null);
        }
        // naming either one leaves the request as it is: sendInitialEvents=false sends no state
        Sink none = new Sink();
        try (AutoCloseable w = configmaps.watch(dflt, rvOptions("", "NotOlderThan", null, false, true), none)) {
            configmaps.create(dflt, cm("later", ""));
            assertEquals("ADDED later", none.events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aResourceVersionFromTheFutureIsWaitedForThenTooLarge() throws Exception {
        // kube's cacher waits up to 3 s for a resourceVersion it has not reached (a client may have
        // it from another server), then answers 504 with a ResourceVersionTooLarge cause
        long next = storage.currentRevision() + 1;
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(300);
                configmaps.create(dflt, cm("soon", ""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        ObjectNode list = configmaps.list(dflt, rvOptions(Long.toString(next), "NotOlderThan", null, null, false));
        writer.join();
        assertTrue(Long.parseLong(list.get("metadata").get("resourceVersion").asText()) >= next);
        assertEquals("soon", list.get("items").get(0).get("metadata").get("name").asText());

        long far = storage.currentRevision() + 1000;
        long before = System.nanoTime();
        StatusException e = assertThrows(StatusException.class, () -> configmaps.list(dflt, rvOptions(Long.toString(far), null, null, null, false)));
        assertTrue(System.nanoTime() - before >= TimeUnit.MILLISECONDS.toNanos(2_900), "waited the 3 s first");
        assertEquals(504, e.code());
        assertEquals("Timeout", e.reason());
        assertEquals("Too large resource version: " + far + ", current: " + storage.currentRevision(), e.getMessage());
        assertEquals(List.of(new FieldCause("ResourceVersionTooLarge", "Too large resource version", null)), e.causes());
        assertEquals(1, e.retryAfterSeconds());
    }

    @Test
    void aWatchFromAFutureResourceVersionDeliversTheChangesAfterIt() throws Exception {
        long from = storage.currentRevision() + 2;
        Sink sink = new Sink();
        try (AutoCloseable w = configmaps.watch(dflt, rvOptions(Long.toString(from), null, null, null, false), sink)) {
            configmaps.create(dflt, cm("f1", ""));
            configmaps.create(dflt, cm("f2", ""));
            configmaps.create(dflt, cm("f3", ""));
            assertEquals("ADDED f3", sink.events.poll(5, TimeUnit.SECONDS), "only the change after resourceVersion " + from);
        }
    }

    static final class Sink implements WatchSink {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void event(String type, ObjectNode object) {
            JsonNode end = object.path("metadata").path("annotations").path("k8s.io/initial-events-end");
            events.add(type + " " + Json.name(object) + (end.isMissingNode() ? "" : "k8s.io/initial-events-end"));
        }

        @Override
        public void closed(StatusException error) {
            events.add("CLOSED " + (error == null ? "" : error.reason()));
        }
    }

    @Test
    void watchFromNowFromRevisionAndSelectorTransitions() throws Exception {
        configmaps.create(dflt, cm("before", "\"app\":\"x\""));
        Sink initial = new Sink();
        try (AutoCloseable w = configmaps.watch(dflt, new ListOptions("app=x", null, 0, null, null, null, false, 0, null), initial)) {
            assertEquals("ADDED before", initial.events.poll(5, TimeUnit.SECONDS));
            ObjectNode mover = configmaps.create(dflt, cm("mover", "\"app\":\"x\""));
            assertEquals("ADDED mover", initial.events.poll(5, TimeUnit.SECONDS));
            ObjectNode relabelled = mover.deepCopy();
            ((ObjectNode) relabelled.get("metadata")).putObject("labels").put("app", "y");
            configmaps.update(dflt, "mover", c -> relabelled);
            assertEquals("DELETED mover", initial.events.poll(5, TimeUnit.SECONDS), "leaving the selection is a deletion");
            configmaps.delete(dflt, "before", null);
            assertEquals("DELETED before", initial.events.poll(5, TimeUnit.SECONDS));
        }
        String rv = Long.toString(storage.currentRevision());
        configmaps.create(dflt, cm("after", ""));
        Sink resumed = new Sink();
        try (AutoCloseable w = configmaps.watch(dflt, new ListOptions(null, null, 0, null, rv, null, false, 0, null), resumed)) {
            assertEquals("ADDED after", resumed.events.poll(5, TimeUnit.SECONDS));
        }
    }

    /** What a client reads from the encoded list (numbers come back as the smallest type that fits). */
    static JsonNode reparsed(ObjectNode list) throws Exception {
        return Json.MAPPER.readTree(Json.bytes(list));
    }

    /** The JSON the LIST writer streams, parsed back. */
    JsonNode writtenJson(ListOptions options) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        configmaps.writeJson(configmaps.listing(dflt, options), out);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void streamedJsonListEqualsTheDecodedList() throws Exception {
        for (int i = 0; i < 12; i++) {
            configmaps.create(dflt, cm("cm-" + i, "\"parity\":\"" + (i % 2 == 0 ? "even" : "odd") + "\""));
        }
        // values that look like the markers the writer looks for, nested metadata, escapes and non-ASCII
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"tricky\",\"annotations\":{\"metadata\":\"{\\\"resourceVersion\\\":1}\"}},"
                + "\"data\":{\"metadata\":\"{\\\"x\\\":\\\"\u00e9\\\\n\\\"}\",\"k\":\"\u4e2d\u6587 \\\"q\\\"\"}}"));
        List<ListOptions> cases = List.of(
                new ListOptions(null, null, 0, null, null, null, false, 0, null),
                new ListOptions("parity=even", null, 0, null, null, null, false, 0, null),
                new ListOptions(null, "metadata.name=tricky", 0, null, null, null, false, 0, null),
                new ListOptions(null, null, 5, null, null, null, false, 0, null));
        for (ListOptions o : cases) {
            ObjectNode decoded = configmaps.list(dflt, o);
            assertEquals(reparsed(decoded), writtenJson(o), "options " + o);
            assertTrue(decoded.get("items").size() > 0);
        }
        String cont = configmaps.list(dflt, cases.get(3)).get("metadata").get("continue").asText();
        ListOptions next = new ListOptions(null, null, 5, cont, null, null, false, 0, null);
        assertEquals(reparsed(configmaps.list(dflt, next)), writtenJson(next));
        assertEquals(13, writtenJson(cases.get(0)).get("items").size());
        assertGetJsonEqualsGet();
    }

    /** A GET's JSON from the stored bytes equals get's object for every configmap there is. */
    private void assertGetJsonEqualsGet() throws Exception {
        for (JsonNode item : configmaps.list(dflt, new ListOptions(null, null, 0, null, null, null, false, 0, null)).get("items")) {
            String name = item.get("metadata").get("name").asText();
            assertEquals(reparsed(configmaps.get(dflt, name, null)), Json.MAPPER.readTree(writtenGet(name)), name);
        }
        StatusException missing = assertThrows(StatusException.class, () -> writtenGet("missing"));
        assertEquals(404, missing.code());
    }

    /** What a JSON GET of {@code name} writes. */
    private byte[] writtenGet(String name) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        configmaps.writeJson(dflt, name, out);
        return out.toByteArray();
    }

    @Test
    void storedBytesNotInThisStoresFormAreDecodedInstead() throws Exception {
        // written by someone else: pretty-printed, and with a resourceVersion of its own in the stored bytes
        storage.create("/registry/configmaps/default/spaced",
                "{ \"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\": { \"name\":\"spaced\" } }".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // no kind: a GET types it, as get does
        storage.create("/registry/configmaps/default/kindless",
                "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"kindless\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        storage.create("/registry/configmaps/default/with-rv",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"with-rv\",\"resourceVersion\":\"7\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ListOptions all = new ListOptions(null, null, 0, null, null, null, false, 0, null);
        JsonNode written = writtenJson(all);
        assertEquals(reparsed(configmaps.list(dflt, all)), written);
        for (JsonNode item : written.get("items")) {
            assertEquals(storage.get("/registry/configmaps/default/" + item.get("metadata").get("name").asText()).modRevision(),
                    item.get("metadata").get("resourceVersion").asLong());
        }
        assertGetJsonEqualsGet();
    }

    @Test
    void aDeleteSetsTheCollectorsFinalizersAndASecondDeleteChangesOnlyThose() {
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"owner\",\"finalizers\":[\"x.io/keep\"]}}"));
        var first = configmaps.delete(dflt, "owner", obj("{\"propagationPolicy\":\"Foreground\"}"));
        assertFalse(first.immediate());
        JsonNode m = first.object().path("metadata");
        assertEquals("[\"x.io/keep\",\"foregroundDeletion\"]", m.path("finalizers").toString());
        String since = m.path("deletionTimestamp").asText();
        assertFalse(since.isEmpty());
        // asking again with another policy swaps the collector's finalizer; the deletion timestamp stays
        var second = configmaps.delete(dflt, "owner", obj("{\"propagationPolicy\":\"Orphan\"}"));
        assertEquals("[\"x.io/keep\",\"orphan\"]", second.object().path("metadata").path("finalizers").toString());
        assertEquals(since, second.object().path("metadata").path("deletionTimestamp").asText());
        // the same again changes nothing
        String rv = Json.text(second.object().get("metadata"), "resourceVersion");
        var third = configmaps.delete(dflt, "owner", obj("{\"propagationPolicy\":\"Orphan\"}"));
        assertEquals(rv, Json.text(third.object().get("metadata"), "resourceVersion"));
        // a background delete of an object held only by the collector's finalizer removes it at once
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"waiting\"}}"));
        configmaps.delete(dflt, "waiting", obj("{\"propagationPolicy\":\"Foreground\"}"));
        assertTrue(configmaps.delete(dflt, "waiting", obj("{\"propagationPolicy\":\"Background\"}")).immediate());
        assertThrows(StatusException.class, () -> configmaps.get(dflt, "waiting", null));
    }

    @Test
    void aDryRunDeleteSetsNoFinalizer() {
        configmaps.create(dflt, obj("{\"metadata\":{\"name\":\"c\"}}"));
        String rv = Json.text(configmaps.get(dflt, "c", null).get("metadata"), "resourceVersion");
        var dry = configmaps.delete(new RequestContext("default", dflt.user(), true, null), "c", obj("{\"propagationPolicy\":\"Foreground\"}"));
        assertEquals("[\"foregroundDeletion\"]", dry.object().path("metadata").path("finalizers").toString());
        JsonNode stored = configmaps.get(dflt, "c", null).path("metadata");
        assertEquals(rv, stored.path("resourceVersion").asText());
        assertNull(stored.get("finalizers"));
    }
}
