package io.kapi.core.cache;

/**
 * Marks a watch listener (or the sink behind one) whose calls never block and return quickly: they queue or hand
 * over what they get. The {@link WatchCache} calls such a listener on its dispatching thread when the watcher has
 * nothing else waiting, instead of queueing the event for a delivery thread: one hand-over less per event and
 * watcher. A listener that may block (a controller's, a group's own sink) must not carry it: it would hold up every
 * other watcher.
 */
public interface NonBlocking {
}
