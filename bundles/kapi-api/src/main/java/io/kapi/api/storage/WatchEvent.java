package io.kapi.api.storage;

/**
 * One change delivered to a watcher, in revision order.
 *
 * @param type PUT for create or update, DELETE for removal
 * @param key the changed key
 * @param value the new bytes (null for DELETE)
 * @param prevValue the bytes before the change (null for a create)
 * @param revision the revision of this change
 * @param createRevision the create revision of the key (for DELETE: of the deleted incarnation)
 */
public record WatchEvent(Type type, String key, byte[] value, byte[] prevValue, long revision, long createRevision) {
    public enum Type { PUT, DELETE }

    public boolean isCreate() {
        return type == Type.PUT && prevValue == null;
    }
}
