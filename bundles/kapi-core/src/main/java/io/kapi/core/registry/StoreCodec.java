package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Where one resource's objects are stored and in what form, as kube's store has its key functions, codec and
 * versioner: the keys, the served object decoded from the stored bytes (converted from the storage version,
 * the resourceVersion set from the key's modRevision, exactly as kube's etcd3 store does with its versioner),
 * the bytes to store (without the resourceVersion), and the stored bytes written out with the resourceVersion
 * spliced in.
 */
final class StoreCodec {
    private final ResourceMeta meta;
    private final Versions versions;
    /** Where a LIST or a GET splices the resourceVersion into the stored bytes of an object. */
    final StoredJson storedJson;

    StoreCodec(ResourceMeta meta, Versions versions) {
        this.meta = meta;
        this.versions = versions;
        this.storedJson = new StoredJson(meta.apiVersion(), meta.kind());
    }

    String key(String namespace, String name) {
        return meta.namespaced() ? meta.keyPrefix() + namespace + "/" + name : meta.keyPrefix() + name;
    }

    String listPrefix(String namespace) {
        return meta.namespaced() && namespace != null && !namespace.isEmpty()
                ? meta.keyPrefix() + namespace + "/" : meta.keyPrefix();
    }

    /** Stored bytes as the served object: converted from the version they were stored in, resourceVersion set. */
    ObjectNode decode(byte[] value, long revision) {
        try {
            return withResourceVersion(versions.toServed(Json.parseObject(value)), revision);
        } catch (IOException e) {
            throw StatusException.internal("stored object of " + meta.resource() + " is corrupt: " + e.getMessage());
        }
    }

    /**
     * {@code obj} with {@code revision} as its resourceVersion, first in the metadata, where a list or a GET in
     * JSON splices it into the stored bytes, so that every form of a read has the same order.
     */
    private static ObjectNode withResourceVersion(ObjectNode obj, long revision) {
        ObjectNode stored = Json.metadata(obj);
        ObjectNode metadata = Json.object().put("resourceVersion", Long.toString(revision));
        stored.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("resourceVersion")) {
                metadata.set(e.getKey(), e.getValue());
            }
        });
        obj.set("metadata", metadata);
        return obj;
    }

    /**
     * Stores {@code obj}, a served object the caller gives up, through {@code write} (its bytes in the storage
     * version, without a resourceVersion) and answers what decoding the stored bytes would give: {@code obj}
     * itself with the write's resourceVersion, without parsing the bytes again, unless it had to be converted
     * to another version to be stored. {@code obj}'s numbers must be canonical ({@code Json.canonicalNumbers}),
     * so that it equals its bytes parsed.
     */
    ObjectNode write(ObjectNode obj, Function<byte[], KeyValue> write) {
        Json.metadata(obj).remove("resourceVersion");
        ObjectNode stored = versions.toStored(obj);
        ObjectNode ordered = StoredJson.inStoredOrder(stored);
        KeyValue kv = write.apply(Json.bytes(ordered));
        return stored != obj ? decode(kv) : withResourceVersion(ordered, kv.modRevision());
    }

    ObjectNode decode(KeyValue kv) {
        return decode(kv.value(), kv.modRevision());
    }

    /** {@code obj} with the resource's apiVersion and kind first, unless it names both already. */
    ObjectNode withType(ObjectNode obj) {
        if (!obj.has("apiVersion") || !obj.has("kind")) {
            ObjectNode typed = Json.object();
            typed.put("apiVersion", meta.apiVersion());
            typed.put("kind", meta.kind());
            obj.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                    typed.set(e.getKey(), e.getValue());
                }
            });
            return typed;
        }
        return obj;
    }

    /** The stored bytes of {@code kv} with the resourceVersion member at {@code at}, written around it, not copied. */
    static void writeSpliced(KeyValue kv, int at, OutputStream out) throws IOException {
        byte[] value = kv.value();
        out.write(value, 0, at);
        out.write(resourceVersionMember(kv, at));
        out.write(value, at, value.length - at);
    }

    /** What goes at {@code at}, the start of the stored metadata's members: the resourceVersion, and a comma before any other. */
    private static byte[] resourceVersionMember(KeyValue kv, int at) {
        String member = "\"resourceVersion\":\"" + kv.modRevision() + '"';
        return (kv.value()[at] == '}' ? member : member + ',').getBytes(StandardCharsets.US_ASCII);
    }
}
