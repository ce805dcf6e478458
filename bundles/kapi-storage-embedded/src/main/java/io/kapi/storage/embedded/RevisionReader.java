package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.WatchEvent;
import io.kapi.storage.embedded.VersionCodec.Version;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.kapi.storage.embedded.Arguments.checkKey;
import static io.kapi.storage.embedded.Arguments.checkPrefix;
import static io.kapi.storage.embedded.VersionCodec.PUT;
import static io.kapi.storage.embedded.VersionCodec.SEP;
import static io.kapi.storage.embedded.VersionCodec.parseRevision;
import static io.kapi.storage.embedded.VersionCodec.readLong;
import static io.kapi.storage.embedded.VersionCodec.toKeyValue;
import static io.kapi.storage.embedded.VersionCodec.valueOf;
import static io.kapi.storage.embedded.VersionCodec.versionKey;

/**
 * Reads the versioned maps at a revision: single keys, lists and counts, and the history watchers
 * replay. Takes no lock and never waits for a sync; what it reads at "latest" is the durable revision.
 */
final class RevisionReader implements WatchHub.History {

    private final MVMap<String, byte[]> versions;
    private final MVMap<Long, String> log;
    private final StoreState state;
    /** How many keys followed the pages of lists paged at a fixed revision, for their next pages. */
    private final PagesRemaining pagesRemaining = new PagesRemaining();

    RevisionReader(MVMap<String, byte[]> versions, MVMap<Long, String> log, StoreState state) {
        this.versions = versions;
        this.log = log;
        this.state = state;
    }

    KeyValue get(String key) {
        checkKey(key);
        state.checkOpen();
        try {
            return toKeyValue(key, newestAtOrBelow(key, state.durable()));
        } catch (RuntimeException e) {
            throw state.translate(e);
        }
    }

    ListResult list(String prefix, long revision, String startAfter, int limit) {
        checkPrefix(prefix);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        state.checkOpen();
        long rev = readRevision(revision);
        List<KeyValue> items = new ArrayList<>();
        long[] remaining = new long[1];
        // the next page of a list paged at rev: how many keys follow is known from the page before
        Long known = limit > 0 && startAfter != null ? pagesRemaining.after(prefix, rev, startAfter) : null;
        try {
            scan(prefix, rev, startAfter, (key, modRevision, entry) -> {
                if (limit == 0 || items.size() < limit) {
                    items.add(toKeyValue(key, modRevision, entry));
                    return known == null || items.size() < limit;
                }
                remaining[0]++;
                return true;
            });
        } catch (RuntimeException e) {
            throw state.translate(e);
        }
        checkNotCompactedAfterRead(revision, rev);
        if (known != null) {
            remaining[0] = known - items.size();
        }
        if (limit > 0 && remaining[0] > 0) {
            pagesRemaining.put(prefix, rev, items.get(items.size() - 1).key(), remaining[0]);
        }
        return new ListResult(List.copyOf(items), rev, remaining[0] > 0, remaining[0]);
    }

    long count(String prefix) {
        checkPrefix(prefix);
        state.checkOpen();
        long[] n = new long[1];
        try {
            scan(prefix, state.durable(), null, (key, modRevision, entry) -> {
                n[0]++;
                return true;
            });
        } catch (RuntimeException e) {
            throw state.translate(e);
        }
        return n[0];
    }

    private interface Visitor {
        /** A live key; false ends the scan. */
        boolean live(String key, long modRevision, byte[] entry);
    }

    /** Visits the live keys under {@code prefix} (or the one key) at {@code rev}, in key order. */
    private void scan(String prefix, long rev, String startAfter, Visitor visitor) {
        String range = prefix.endsWith("/") ? prefix : prefix + SEP;
        String from = range;
        if (startAfter != null) {
            // Every versioned key of startAfter sorts below startAfter + '\1'; every later key above.
            String after = startAfter + '\u0001';
            if (after.compareTo(from) > 0) {
                from = after;
            }
        }
        Cursor<String, byte[]> c = versions.cursor(from);
        String current = null;
        long bestRevision = 0;
        byte[] best = null;
        while (c.hasNext()) {
            String vk = c.next();
            if (!vk.startsWith(range)) {
                break;
            }
            int keyLength = vk.length() - 17;
            if (current == null || current.length() != keyLength || !vk.startsWith(current)) {
                if (best != null && best[0] == PUT && !visitor.live(current, bestRevision, best)) {
                    return;
                }
                current = vk.substring(0, keyLength);
                best = null;
            }
            long r = parseRevision(vk);
            if (r <= rev) {
                bestRevision = r;
                best = c.getValue();
            }
        }
        if (best != null && best[0] == PUT) {
            visitor.live(current, bestRevision, best);
        }
    }

    private long readRevision(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + revision);
        }
        long current = state.durable();
        if (revision == 0) {
            return current;
        }
        if (revision > current) {
            throw new StorageException(StorageException.Code.FUTURE_REVISION, null, current,
                    "Too large resource version: " + revision + ", current: " + current);
        }
        long c = state.compacted();
        if (revision <= c) {
            throw StorageException.compacted(c);
        }
        return revision;
    }

    /** Compaction may have started while an explicit old revision was being read. */
    private void checkNotCompactedAfterRead(long requested, long rev) {
        long c = state.compacted();
        if (requested != 0 && rev <= c) {
            throw StorageException.compacted(c);
        }
    }

    /** Newest version of {@code key} at or below {@code rev} (maybe a tombstone), or null. */
    Version newestAtOrBelow(String key, long rev) {
        Cursor<String, byte[]> c = versions.cursor(versionKey(key, rev), key + SEP, true);
        if (!c.hasNext()) {
            return null;
        }
        String vk = c.next();
        return new Version(parseRevision(vk), c.getValue());
    }

    // ---------------------------------------------------------------- history, for watchers

    @Override
    public long visibleRevision() {
        return state.durable();
    }

    @Override
    public long compactedRevision() {
        return state.compacted();
    }

    @Override
    public void replay(String keyOrPrefix, long after, long upTo, Consumer<WatchEvent> sink) {
        boolean prefix = keyOrPrefix.endsWith("/");
        Cursor<Long, String> c = log.cursor(after + 1, upTo, false);
        while (c.hasNext()) {
            long rev = c.next();
            String key = c.getValue();
            if (prefix ? key.startsWith(keyOrPrefix) : key.equals(keyOrPrefix)) {
                WatchEvent e = eventAt(key, rev);
                if (e != null) {
                    sink.accept(e);
                }
            }
        }
    }

    /** Rebuilds the change at {@code rev} from the versions; null when compaction removed it. */
    private WatchEvent eventAt(String key, long rev) {
        byte[] entry = versions.get(versionKey(key, rev));
        if (entry == null) {
            return null;
        }
        Version prev = newestAtOrBelow(key, rev - 1);
        byte[] prevValue = prev != null && prev.live() ? prev.value() : null;
        if (entry[0] == PUT) {
            return new WatchEvent(WatchEvent.Type.PUT, key, valueOf(entry), prevValue, rev, readLong(entry, 1));
        }
        return new WatchEvent(WatchEvent.Type.DELETE, key, null, prevValue, rev, readLong(entry, 1));
    }
}
