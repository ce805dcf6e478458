package io.kapi.core.gc;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every change in storage into the collector's graph and work, as kube's graph builder: a
 * dependent's owner references go into the {@link OwnerIndex}; a dependent whose owners changed is
 * checked; the dependents of an object that went away are checked; an object marked for deletion
 * behind the {@code orphan} or {@code foregroundDeletion} finalizer gets its dependents orphaned or
 * deleted first. Objects without owner references and not being deleted are passed over on a byte
 * search, without decoding. Used from the collector's one thread only.
 */
final class GraphBuilder {
    private static final Logger LOG = Logger.getLogger(GraphBuilder.class.getName());
    private static final Needle OWNER_REFERENCES = new Needle("\"ownerReferences\"");
    private static final Needle DELETION_TIMESTAMP = new Needle("\"deletionTimestamp\"");

    /** The work the graph asks for. */
    interface Work {
        /** Check the object at {@code key}: delete it when its owners are gone, finish a foreground deletion of it. */
        void attemptToDelete(String key);

        /** Remove the references to the object at {@code key} from its dependents, then its {@code orphan} finalizer. */
        void orphanDependents(String key);

        /** The object an owner reference of the dependent at {@code dependentKey} names, or null when not served. */
        String ownerKey(String dependentKey, OwnerRef owner);
    }

    private final OwnerIndex index;
    private final Work work;
    /** Uids seen during the initial listing; null once it is over. */
    private Set<String> listedUids;

    GraphBuilder(OwnerIndex index, Work work) {
        this.index = index;
        this.work = work;
    }

    /** A fresh listing starts: the graph is rebuilt from it. */
    void startListing() {
        index.clear();
        listedUids = new HashSet<>();
    }

    /**
     * The listing is over: a dependent whose owner was not among the listed objects is checked (kube's
     * virtual nodes), and so is every object already being deleted behind a collector's finalizer.
     */
    void endListing(List<String> beingDeleted) {
        Set<String> uids = listedUids;
        listedUids = null;
        for (OwnerIndex.Dependent d : index.all()) {
            for (OwnerRef o : d.owners()) {
                if (!uids.contains(o.uid())) {
                    work.attemptToDelete(d.key());
                    break;
                }
            }
        }
        beingDeleted.forEach(this::markedForDeletion);
    }

    /**
     * A created or changed object. During the listing, returns true when it is being deleted behind a
     * collector's finalizer (handled once the listing is over).
     */
    boolean put(String key, byte[] value) {
        if (!isObject(value)) {
            return false;
        }
        boolean listing = listedUids != null;
        boolean known = index.get(key) != null;
        if (!listing && !known && !OWNER_REFERENCES.in(value) && !DELETION_TIMESTAMP.in(value)) {
            return false;
        }
        JsonNode m = metadata(key, value);
        if (m == null) {
            return false;
        }
        String uid = m.path("uid").asText("");
        if (listing) {
            listedUids.add(uid);
        }
        List<OwnerRef> owners = OwnerRef.of(m);
        OwnerIndex.Dependent before = index.put(key, uid, owners);
        if (!listing) {
            if (!owners.isEmpty() && (before == null || !before.owners().equals(owners))) {
                work.attemptToDelete(key);
            }
            if (before != null) {
                // an owner waiting for this dependent may be free to go now that the reference changed
                for (OwnerRef o : before.owners()) {
                    if (o.blockOwnerDeletion() && !owners.contains(o)) {
                        ownerChanged(key, o);
                    }
                }
            }
        }
        boolean deleting = !m.path("deletionTimestamp").asText("").isEmpty() && hasCollectorFinalizer(m);
        if (deleting && !listing) {
            markedForDeletion(key, m);
        }
        return deleting;
    }

    /** A deleted object ({@code prevValue}: its last bytes, null when the store could not give them). */
    void delete(String key, byte[] prevValue) {
        if (prevValue != null && !isObject(prevValue)) {
            return;
        }
        OwnerIndex.Dependent was = index.remove(key);
        if (was != null) {
            for (OwnerRef o : was.owners()) {
                if (o.blockOwnerDeletion()) {
                    ownerChanged(key, o);
                }
            }
        }
        if (index.isEmpty()) {
            return;
        }
        JsonNode m = prevValue == null ? null : metadata(key, prevValue);
        if (m != null) {
            for (OwnerIndex.Dependent d : index.dependentsOf(m.path("uid").asText(""))) {
                work.attemptToDelete(d.key());
            }
            return;
        }
        // no last bytes: any dependent naming an owner at this key is checked
        for (OwnerIndex.Dependent d : index.all()) {
            for (OwnerRef o : d.owners()) {
                if (key.equals(work.ownerKey(d.key(), o))) {
                    work.attemptToDelete(d.key());
                    break;
                }
            }
        }
    }

    private void markedForDeletion(String key) {
        work.attemptToDelete(key);
        work.orphanDependents(key);
    }

    private void markedForDeletion(String key, JsonNode metadata) {
        List<String> finalizers = finalizers(metadata);
        if (finalizers.contains(ObjectMetaValidation.FINALIZER_ORPHAN)) {
            work.orphanDependents(key);
        }
        if (finalizers.contains(ObjectMetaValidation.FINALIZER_FOREGROUND)) {
            // every dependent goes first (those that block the owner's removal are waited for)
            for (OwnerIndex.Dependent d : index.dependentsOf(metadata.path("uid").asText(""))) {
                work.attemptToDelete(d.key());
            }
            work.attemptToDelete(key);
        }
    }

    private void ownerChanged(String dependentKey, OwnerRef owner) {
        String ownerKey = work.ownerKey(dependentKey, owner);
        if (ownerKey != null) {
            work.attemptToDelete(ownerKey);
        }
    }

    static boolean hasCollectorFinalizer(JsonNode metadata) {
        List<String> f = finalizers(metadata);
        return f.contains(ObjectMetaValidation.FINALIZER_ORPHAN) || f.contains(ObjectMetaValidation.FINALIZER_FOREGROUND);
    }

    static List<String> finalizers(JsonNode metadata) {
        JsonNode f = metadata.path("finalizers");
        if (!f.isArray() || f.isEmpty()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>(f.size());
        f.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Whether a stored value is a JSON object, as every API object is. Other values under the registry are records
     * of their own (the Service IP and node port reservations, a plain value per key): no owner or dependent of any,
     * passed over without a word. A value that starts as an object but does not parse is warned about.
     */
    static boolean isObject(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }

    /** The metadata fields the collector reads; the others (managed fields, labels, annotations) are skipped. */
    private static final Set<String> READ = Set.of("uid", "ownerReferences", "deletionTimestamp", "finalizers");

    /**
     * The fields of the object's {@code metadata} the collector reads ({@link #READ}; a missing node when the object
     * has no metadata object), or null when the value does not parse as a JSON object up to the end of its first
     * {@code metadata}. Only those fields become trees, as kube's collector reads metadata-only objects: everything
     * else is skipped token by token, and what follows the metadata is not read at all (objects are stored with it
     * first, so a large object costs its metadata only). The first listing reads every object in storage this way.
     */
    static JsonNode metadata(String key, byte[] value) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("metadata")) {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        return MissingNode.getInstance();
                    }
                    ObjectNode m = Json.object();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        if (READ.contains(name)) {
                            m.set(name, Json.MAPPER.readTree(p));
                        } else {
                            p.skipChildren();
                        }
                    }
                    return m;
                }
                p.skipChildren();
            }
            return MissingNode.getInstance();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "garbage collector: the object at " + key + " is not JSON; passed over", e);
            return null;
        }
    }

    /**
     * A byte string searched for with Horspool's skips: every stored object is searched at each change (for the
     * second needle too when the first is absent), and a window whose last byte is not in the needle moves on by
     * up to the needle's length instead of one byte. How far it moves depends on the bytes: text with many of the
     * needle's letters moves by a few bytes at a time.
     */
    static final class Needle {
        private final byte[] bytes;
        private final int[] skip = new int[256];

        Needle(String text) {
            this.bytes = text.getBytes(StandardCharsets.UTF_8);
            int m = bytes.length;
            Arrays.fill(skip, m);
            for (int i = 0; i < m - 1; i++) {
                skip[bytes[i] & 0xff] = m - 1 - i;
            }
        }

        boolean in(byte[] hay) {
            int m = bytes.length;
            for (int at = 0, last = hay.length - m; at <= last; at += skip[hay[at + m - 1] & 0xff]) {
                int j = m - 1;
                while (j >= 0 && hay[at + j] == bytes[j]) {
                    j--;
                }
                if (j < 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
