package io.kapi.api.rest;

/**
 * Watches objects. Events go to {@code sink} in resourceVersion order from one thread at a time;
 * the returned handle stops the watch. Throws Expired (410) when the resourceVersion is compacted.
 */
public interface Watcher {
    AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink);
}
