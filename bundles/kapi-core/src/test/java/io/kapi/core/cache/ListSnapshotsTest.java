package io.kapi.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ListSnapshotsTest {
    private final AtomicLong now = new AtomicLong();

    private static KeyValue[] keys(String prefix, int n) {
        KeyValue[] kvs = new KeyValue[n];
        for (int i = 0; i < n; i++) {
            kvs[i] = new KeyValue(String.format("%sk%03d", prefix, i), new byte[] {(byte) i}, 1, 1 + i);
        }
        return kvs;
    }

    private static List<String> names(ListResult r) {
        List<String> out = new ArrayList<>();
        r.items().forEach(kv -> out.add(kv.key()));
        return out;
    }

    @Test
    void pagesWalkTheKeysInOrderWithTheRemainingCount() {
        KeyValue[] all = keys("/p/", 7);
        ListResult first = ListSnapshots.pageOf(all, 9, null, 3);
        assertEquals(List.of("/p/k000", "/p/k001", "/p/k002"), names(first));
        assertTrue(first.more());
        assertEquals(4, first.remaining());
        assertEquals(9, first.revision());
        ListResult second = ListSnapshots.pageOf(all, 9, "/p/k002", 3);
        assertEquals(List.of("/p/k003", "/p/k004", "/p/k005"), names(second));
        assertEquals(1, second.remaining());
        ListResult last = ListSnapshots.pageOf(all, 9, "/p/k005", 3);
        assertEquals(List.of("/p/k006"), names(last));
        assertFalse(last.more());
        assertEquals(0, last.remaining());
        // a key that is not there (deleted since, or the token's own): the page starts after where it would be
        assertEquals(List.of("/p/k003"), names(ListSnapshots.pageOf(all, 9, "/p/k002x", 1)));
        assertEquals(List.of("/p/k000"), names(ListSnapshots.pageOf(all, 9, "/p/", 1)));
        assertTrue(ListSnapshots.pageOf(all, 9, "/p/z", 5).items().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> first.items().add(all[6]), "a read-only view");
    }

    @Test
    void aSnapshotAnswersOnlyItsPrefixAndRevision() {
        ListSnapshots snapshots = new ListSnapshots(4, 1_000, now::get);
        snapshots.keep("/p/", 9, keys("/p/", 5));
        assertEquals(List.of("/p/k002", "/p/k003"), names(snapshots.page("/p/", 9, "/p/k001", 2)));
        assertNull(snapshots.page("/p/", 10, "/p/k001", 2));
        assertNull(snapshots.page("/q/", 9, "/p/k001", 2));
    }

    @Test
    void theLeastRecentlyUsedGoesFirstAndIdleOnesExpire() {
        ListSnapshots snapshots = new ListSnapshots(2, 1_000, now::get);
        snapshots.keep("/a/", 1, keys("/a/", 3));
        snapshots.keep("/b/", 1, keys("/b/", 3));
        now.set(10);
        snapshots.page("/a/", 1, null, 1); // /a/ used: /b/ is the least recent
        snapshots.keep("/c/", 1, keys("/c/", 3));
        assertEquals(2, snapshots.size());
        assertNull(snapshots.page("/b/", 1, null, 1));
        assertEquals(1, snapshots.page("/a/", 1, null, 1).items().size());

        now.set(10 + 1_000); // /a/ used at 10, /c/ kept at 10: both exactly at the limit
        snapshots.expire();
        assertEquals(2, snapshots.size());
        now.set(10 + 1_001);
        snapshots.expire();
        assertEquals(0, snapshots.size());
    }
}
