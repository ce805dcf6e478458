package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.VersionConverter;
import io.kapi.core.json.Json;

/**
 * The versions of one resource as its store sees them: the version it serves and the one objects are
 * stored in (kube's storage version), and the conversion between them. Objects are converted on the
 * way in and out, as kube's storage codec converts between the storage version and the request's.
 * A stored object in yet another version (written before the storage version changed) is converted
 * from the version it names. Without a converter, conversion is kube's {@code None} strategy for
 * custom resources: only {@code apiVersion} changes.
 */
public final class Versions {
    private final ResourceMeta meta;
    private final String storedApiVersion;
    private final String storageVersion;
    private final VersionConverter converter;
    private final io.kapi.api.rest.SharedStorage shared;

    /**
     * @param storageVersion the version objects are stored in ({@code v1}); null for the served one
     * @param converter null for kube's {@code None} conversion
     */
    public Versions(ResourceMeta meta, String storageVersion, VersionConverter converter) {
        this.meta = meta;
        this.storageVersion = storageVersion == null || storageVersion.isEmpty() ? meta.version() : storageVersion;
        this.storedApiVersion = apiVersion(meta.group(), this.storageVersion);
        this.converter = converter;
        this.shared = null;
    }

    /** A resource whose objects are stored as another group's resource ({@link io.kapi.api.rest.SharedStorage}). */
    public Versions(ResourceMeta meta, io.kapi.api.rest.SharedStorage shared) {
        this.meta = meta;
        this.storageVersion = shared.version();
        this.storedApiVersion = apiVersion(shared.group(), shared.version());
        this.converter = null;
        this.shared = shared;
    }

    /** A resource served in the version it is stored in. */
    public static Versions single(ResourceMeta meta) {
        return new Versions(meta, null, null);
    }

    public String storageVersion() {
        return storageVersion;
    }

    public String storedApiVersion() {
        return storedApiVersion;
    }

    /** Whether {@code apiVersion}, as an object names it, is the served one (an object naming none counts as served). */
    public boolean isServed(String apiVersion) {
        return apiVersion == null || apiVersion.isEmpty() || apiVersion.equals(meta.apiVersion());
    }

    /** {@code obj} as read from storage, in the served version: {@code obj} itself when it is in it already. */
    public ObjectNode toServed(ObjectNode obj) {
        String from = Json.text(obj, "apiVersion");
        if (isServed(from)) {
            return obj;
        }
        if (shared != null) {
            return acrossKinds(obj, shared.converter().toServed(obj.deepCopy(), meta.version()), meta.apiVersion(), meta.kind());
        }
        return convert(obj, meta.version());
    }

    /** {@code obj}, in the served version, in the storage version: {@code obj} itself when they are the same. */
    public ObjectNode toStored(ObjectNode obj) {
        if (shared != null) {
            return acrossKinds(obj, shared.converter().toStored(obj.deepCopy(), meta.version()), storedApiVersion, shared.kind());
        }
        return storageVersion.equals(meta.version()) ? obj : convert(obj, storageVersion);
    }

    /** A conversion between the shapes of a shared storage: the type is the target's, the identity the object's. */
    private ObjectNode acrossKinds(ObjectNode obj, ObjectNode converted, String apiVersion, String kind) {
        if (converted == null) {
            throw StatusException.internal("conversion of " + meta.resource() + " \"" + Json.name(obj) + "\" to "
                    + apiVersion + " " + kind + " returned nothing");
        }
        converted.put("apiVersion", apiVersion);
        converted.put("kind", kind);
        keepIdentity(obj, converted);
        return converted;
    }

    private ObjectNode convert(ObjectNode obj, String toVersion) {
        String to = apiVersion(meta.group(), toVersion);
        String from = Json.text(obj, "apiVersion");
        if (!from.isEmpty() && !from.startsWith(meta.group().isEmpty() ? "" : meta.group() + "/")
                || meta.group().isEmpty() && from.contains("/")) {
            throw StatusException.internal("converting " + meta.resource() + ": an object of " + from
                    + " is not of group \"" + meta.group() + "\"");
        }
        if (converter == null) {
            ObjectNode copy = obj.deepCopy();
            copy.put("apiVersion", to);
            return copy;
        }
        ObjectNode converted;
        try {
            converted = converter.convert(obj.deepCopy(), toVersion);
        } catch (StatusException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StatusException.internal("conversion of " + meta.resource() + " \"" + Json.name(obj) + "\" from "
                    + from + " to " + to + " failed: " + e);
        }
        if (converted == null) {
            throw StatusException.internal("conversion of " + meta.resource() + " \"" + Json.name(obj) + "\" from "
                    + from + " to " + to + " returned nothing");
        }
        String got = Json.text(converted, "apiVersion");
        if (got.isEmpty()) {
            converted.put("apiVersion", to);
        } else if (!got.equals(to)) {
            throw StatusException.internal("conversion of " + meta.resource() + " \"" + Json.name(obj) + "\" to " + to
                    + " returned an object of " + got);
        }
        if (!converted.has("kind")) {
            converted.put("kind", meta.kind());
        }
        keepIdentity(obj, converted);
        return converted;
    }

    /**
     * The object's identity is the server's, not the converter's to change (kube's webhook converter
     * refuses a response that changes anything in metadata but labels and annotations).
     */
    private static void keepIdentity(ObjectNode obj, ObjectNode converted) {
        if (obj.get("metadata") instanceof ObjectNode before) {
            ObjectNode after = Json.metadata(converted);
            for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp",
                    "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers",
                    "ownerReferences", "managedFields", "generateName"}) {
                if (before.has(field)) {
                    after.set(field, before.get(field));
                } else {
                    after.remove(field);
                }
            }
        }
    }

    private static String apiVersion(String group, String version) {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
