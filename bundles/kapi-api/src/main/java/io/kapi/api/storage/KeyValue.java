package io.kapi.api.storage;

/**
 * One stored key at one revision, as etcd's {@code mvccpb.KeyValue}.
 *
 * @param key the full key, e.g. {@code /registry/configmaps/default/demo}
 * @param value the stored bytes (never null for a live key)
 * @param createRevision revision at which the key was created
 * @param modRevision revision of the key's last change; it is the object's resourceVersion
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
}
