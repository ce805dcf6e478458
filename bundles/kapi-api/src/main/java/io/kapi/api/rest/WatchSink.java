package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives the events of a REST watch: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR. */
@org.osgi.annotation.versioning.ProviderType
public interface WatchSink {
    void event(String type, ObjectNode object);

    /**
     * An event whose object is shared with the other watchers of the same change (kube's cacher fans
     * one {@code cachingObject} out to all of them): {@code object} is read-only, and {@code shared}
     * holds the encodings of this type and object already made for another watcher, so that a change
     * is serialized once per output form however many watchers see it. The default ignores the sharing
     * and hands {@link #event(String, ObjectNode)} a copy of its own, which that method may modify.
     */
    default void event(String type, ObjectNode object, SharedEncodings shared) {
        event(type, object.deepCopy());
    }

    /**
     * The watch has delivered every change up to {@code revision}: resumed from it, it would miss
     * nothing. A store calls it when it knows where its change feed starts (after a watch's initial
     * events); the events that follow carry their own resourceVersions. The core uses it to move an
     * open watch to a group's new version without the client noticing; the default ignores it.
     */
    default void progress(long revision) {
    }

    /** The watch ended: {@code error} is null for a clean end (e.g. its group left), else the Status to send. */
    void closed(StatusException error);
}
