package io.kapi.core.endpoints;

import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Watcher;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open watch as its resource holds it: the client's stream and the store watch feeding it. When
 * the resource's group is replaced (a bundle updated, a new version started), the watch moves to the
 * new store: the old store watch stops, a new one resumes from the last revision the stream delivered,
 * and the client sees the events go on, neither an end nor a 410.
 */
public final class HeldWatch {
    private static final Logger LOG = Logger.getLogger(HeldWatch.class.getName());

    private final WatchStream stream;
    private final RequestContext ctx;
    private final ListOptions options;
    private ServedResource resource; // guarded by this
    private AutoCloseable handle; // guarded by this
    private boolean ended; // guarded by this

    HeldWatch(ServedResource resource, WatchStream stream, RequestContext ctx, ListOptions options, AutoCloseable handle) {
        this.resource = resource;
        this.stream = stream;
        this.ctx = ctx;
        this.options = options;
        this.handle = handle;
    }

    /** Who opened the watch. */
    public String user() {
        return ctx.user() == null ? "" : ctx.user().name();
    }

    /** Ends the watch cleanly (its resource left for good): the client resumes from its last resourceVersion. */
    public void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            closeQuietly(handle);
        }
        stream.closed(null);
    }

    /** The client went or the stream ended: the store watch stops and the resource forgets this watch. */
    void release() {
        ServedResource r;
        synchronized (this) {
            ended = true;
            closeQuietly(handle);
            r = resource;
        }
        r.removeWatch(this);
    }

    /**
     * Moves the watch to {@code next}, the resource's successor: true when it goes on there. A watch
     * whose position is unknown (still sending its initial state) or that the new store refuses ends
     * cleanly instead, as when a group leaves.
     */
    public boolean moveTo(ServedResource next) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            long from = stream.detachForResume();
            closeQuietly(handle);
            // a position of 0 (nothing ever written when the watch began, nothing delivered since) cannot be
            // named: resourceVersion "0" means "any" to a store; such a watch ends as when its group leaves
            if (from > 0 && next.storage() instanceof Watcher watcher) {
                // the same selection, resumed after the last change delivered, without initial events
                ListOptions resumed = new ListOptions(options.labelSelector(), options.fieldSelector(), 0, null,
                        Long.toString(from), null, options.allowWatchBookmarks(), options.timeoutSeconds(), null);
                try {
                    handle = watcher.watch(ctx, resumed, stream.attach());
                    stream.resource(next);
                    resource = next;
                    if (next.addWatch(this)) {
                        return true;
                    }
                    closeQuietly(handle);
                } catch (RuntimeException e) {
                    // a Status (410, 503), a storage error, or the new version's own code failing: the watch
                    // ends cleanly and the client resumes it itself
                    closeQuietly(handle);
                    LOG.log(e instanceof StatusException ? Level.INFO : Level.WARNING,
                            "watch on " + next.meta().resource() + " not resumed on its new version: " + e.getMessage(), e);
                }
            }
            ended = true;
        }
        stream.closed(null);
        return false;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing a store watch", e);
        }
    }
}
