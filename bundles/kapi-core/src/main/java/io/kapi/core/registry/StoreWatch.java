package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.SharedEncodings;
import io.kapi.api.rest.WatchSink;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import io.kapi.core.cache.NonBlocking;
import io.kapi.core.json.Json;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A WATCH of one resource, as kube's store and cacher serve it: the resourceVersion and sendInitialEvents
 * rules, the initial state as synthetic ADDEDs (a watch-list ends it with the initial-events-end bookmark),
 * then each change as the event this watcher's selectors make of it, decoded and encoded once for all the
 * watchers of the store.
 */
final class StoreWatch {
    private static final long BOOKMARK_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ResourceMeta meta;
    private final Storage storage;
    private final StoreCodec codec;
    private final StoreReader reader;
    private final SelectableFields selectable;

    StoreWatch(ResourceMeta meta, Storage storage, StoreCodec codec, StoreReader reader, SelectableFields selectable) {
        this.meta = meta;
        this.storage = storage;
        this.codec = codec;
        this.reader = reader;
        this.selectable = selectable;
    }

    AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        ListOptionsValidation.check(options, true);
        Selection selection = new Selection(options, selectable);
        String single = selection.fields.exactMatch("metadata.name");
        String watchKey = single != null && (!meta.namespaced() || !ctx.namespace().isEmpty())
                ? codec.key(ctx.namespace(), single) : codec.listPrefix(ctx.namespace());
        String rv = options.resourceVersion();
        boolean fromNowOrAny = rv == null || rv.isEmpty() || rv.equals("0");
        // kube's SetListOptionsDefaults with WatchList on (kube 1.32's default): such a watch naming neither
        // sendInitialEvents nor resourceVersionMatch is a watch-list (sendInitialEvents=true, NotOlderThan)
        boolean watchList = Boolean.TRUE.equals(options.sendInitialEvents())
                || fromNowOrAny && options.sendInitialEvents() == null
                && (options.resourceVersionMatch() == null || options.resourceVersionMatch().isEmpty());
        long from;
        boolean initial;
        if (fromNowOrAny) {
            initial = options.sendInitialEvents() == null || options.sendInitialEvents();
            from = 0;
        } else {
            from = StoreReader.parseResourceVersion(rv);
            initial = Boolean.TRUE.equals(options.sendInitialEvents());
        }
        // "resourceVersion X" is "changes after X": from the compacted revision C only revisions > C are
        // needed, and they remain, so only X < C is too old. As kube's watch cache
        // (getAllEventsSinceLocked: "resourceVersion < oldest-1" fails with "too old resource version:
        // %d (%d)", resourceVersion, oldest-1), the number in parentheses is the oldest one a watch can
        // start from. The endpoint sends this 410 as the stream's only (ERROR) event.
        // With sendInitialEvents the state sent is the newest, which is "not older than" any resourceVersion
        // asked for (kube's only match for it), so only a watch without initial events can be too old.
        long compacted = storage.compactedRevision();
        if (!initial && from > 0 && from < compacted) {
            throw StoreReader.tooOld(from, compacted);
        }
        if (initial && from > 0) {
            // the state sent must be not older than the resourceVersion asked for
            reader.awaitRevision(from);
        }
        // A watch from a resourceVersion the store has not reached yet is accepted, as by kube's watch
        // cache: it delivers the changes after that resourceVersion once they happen.
        if (initial) {
            // synthetic ADDEDs of the newest state, then the changes after its revision (kube's "Get State and
            // Start"; with a resourceVersion, sendInitialEvents means NotOlderThan it)
            ListResult state;
            try {
                state = watchKey.endsWith("/") ? storage.list(watchKey, 0, null, 0) : reader.readOne(watchKey);
            } catch (StorageException e) {
                throw StoreReader.toStatus(e, meta, "");
            }
            for (KeyValue kv : state.items()) {
                ObjectNode obj = codec.withType(codec.decode(kv));
                if (selection.matches(obj)) {
                    sink.event("ADDED", obj);
                }
            }
            if (watchList && options.allowWatchBookmarks()) {
                ObjectNode bookmark = bookmark(state.revision());
                Json.metadata(bookmark).putObject("annotations").put("k8s.io/initial-events-end", "true");
                sink.event("BOOKMARK", bookmark);
            }
            from = state.revision();
        }
        boolean bookmarks = options.allowWatchBookmarks();
        // where the change feed starts: a watch resumed from here misses nothing (a watch from "now" starts
        // at or after the current revision, so resuming from it may only repeat changes the client never saw)
        sink.progress(from > 0 ? from : storage.currentRevision());
        try {
            ChangeListener listener = sink instanceof NonBlocking
                    ? new NonBlockingChangeListener(sink, selection, bookmarks) : new ChangeListener(sink, selection, bookmarks);
            return storage.watch(watchKey, from, listener);
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.COMPACTED) {
                // compacted meanwhile, or older than the watch cache's window (whose start is in e.revision())
                long oldest = Math.max(storage.compactedRevision(), e.revision());
                throw StoreReader.tooOld(from, oldest);
            }
            throw StoreReader.toStatus(e, meta, "");
        }
    }

    /** The changes after the start, as the events this watcher's selection makes of them. */
    private class ChangeListener implements WatchListener {
        private final WatchSink sink;
        private final Selection selection;
        private final boolean bookmarks;
        private long lastBookmark = System.nanoTime();

        ChangeListener(WatchSink sink, Selection selection, boolean bookmarks) {
            this.sink = sink;
            this.selection = selection;
            this.bookmarks = bookmarks;
        }

        @Override
        public void onEvent(WatchEvent event) {
            // Decoded once per change and shared by every watcher of this store (kube's cachingObject);
            // the previous object is decoded only when it is sent or a selector must judge it.
            boolean filtered = !selection.everything();
            ObjectNode before = event.prevValue() == null || (!filtered && event.type() == WatchEvent.Type.PUT)
                    ? null : before(event);
            boolean beforeMatched = event.prevValue() != null && (!filtered || selection.matches(before));
            if (event.type() == WatchEvent.Type.DELETE) {
                if (beforeMatched) {
                    sink.event("DELETED", before, encodings(event, memoDeleted));
                }
                return;
            }
            ObjectNode now = now(event);
            boolean nowMatches = !filtered || selection.matches(now);
            if (nowMatches && !beforeMatched) {
                sink.event("ADDED", now, encodings(event, memoAdded));
            } else if (nowMatches) {
                sink.event("MODIFIED", now, encodings(event, memoModified));
            } else if (beforeMatched) {
                // an object leaving the selection is a deletion for this watcher: kube's cacher sends the
                // previous object, stamped with the event's resourceVersion
                sink.event("DELETED", before, encodings(event, memoDeleted));
            }
        }

        @Override
        public void onProgress(long revision) {
            sink.progress(revision);
            // kube's cacher sends a watcher a bookmark about once a minute, not on every progress notification
            long now = System.nanoTime();
            if (bookmarks && now - lastBookmark >= BOOKMARK_INTERVAL_NANOS) {
                lastBookmark = now;
                sink.event("BOOKMARK", bookmark(revision));
            }
        }

        @Override
        public void onClose(StorageException error) {
            sink.closed(error == null ? null : StoreReader.toStatus(error, meta, ""));
        }
    }

    /**
     * The listener of a sink that never blocks (a client's watch stream queues each frame): the watch cache may
     * call it on its dispatching thread instead of handing each event to a delivery thread.
     */
    private final class NonBlockingChangeListener extends ChangeListener implements NonBlocking {
        NonBlockingChangeListener(WatchSink sink, Selection selection, boolean bookmarks) {
            super(sink, selection, bookmarks);
        }
    }

    // One change, as every watcher of this store sees it: memoized on the (shared) WatchEvent under
    // keys private to this store, since another store (another version of the resource) decodes differently.
    private final Object memoNow = new Object();
    private final Object memoBefore = new Object();
    private final Object memoAdded = new Object();
    private final Object memoModified = new Object();
    private final Object memoDeleted = new Object();
    /** Watch events decoded by this store (objects and previous objects): a test hook. */
    final AtomicLong watchDecodes = new AtomicLong();

    /** The changed object, decoded once per change; shared, so read-only. */
    private ObjectNode now(WatchEvent event) {
        return event.memo(memoNow, e -> {
            watchDecodes.incrementAndGet();
            return codec.withType(codec.decode(e.value(), e.revision()));
        });
    }

    /** The previous object stamped with the event's revision (what DELETED carries), decoded once; read-only. */
    private ObjectNode before(WatchEvent event) {
        return event.memo(memoBefore, e -> {
            watchDecodes.incrementAndGet();
            return codec.withType(codec.decode(e.prevValue(), e.revision()));
        });
    }

    /** The encodings of one (event type, object) of a change, made once for all the watchers that receive it. */
    private static SharedEncodings encodings(WatchEvent event, Object which) {
        return event.memo(which, e -> new Encodings());
    }

    private static final class Encodings implements SharedEncodings {
        private final ConcurrentHashMap<String, byte[]> byId = new ConcurrentHashMap<>(4);

        @Override
        public byte[] encode(String id, Supplier<byte[]> encode) {
            return byId.computeIfAbsent(id, k -> encode.get());
        }
    }

    private ObjectNode bookmark(long revision) {
        ObjectNode b = Json.object();
        b.put("kind", meta.kind());
        b.put("apiVersion", meta.apiVersion());
        b.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return b;
    }
}
