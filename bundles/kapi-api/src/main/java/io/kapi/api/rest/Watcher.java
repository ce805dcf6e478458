package io.kapi.api.rest;

/**
 * Watches objects. Events go to {@code sink} in resourceVersion order from one thread at a time;
 * the returned handle stops the watch. Throws Expired (410) when the resourceVersion is too old
 * (below the compacted revision); the HTTP endpoint then answers, as kube-apiserver does, 200 with one
 * ERROR event carrying that Status. Other StatusExceptions are answered with their HTTP status.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Watcher {
    AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink);
}
