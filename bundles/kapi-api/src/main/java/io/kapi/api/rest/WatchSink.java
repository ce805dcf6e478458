package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives the events of a REST watch: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR. */
public interface WatchSink {
    void event(String type, ObjectNode object);

    /** The watch ended: {@code error} is null for a clean end (e.g. its group left), else the Status to send. */
    void closed(StatusException error);
}
