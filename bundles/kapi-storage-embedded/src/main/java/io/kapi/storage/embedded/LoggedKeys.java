package io.kapi.storage.embedded;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * The store file's log map (revision → key) read forward alongside the write-ahead log, whose records come by
 * revision too: when the store opens, each logged change the file already holds is compared with the file's key at
 * that revision through one cursor, instead of a lookup from the map's root per record (a log reaching a checkpoint
 * back can hold a hundred thousand records).
 */
final class LoggedKeys {
    private final MVMap<Long, String> log;
    private Cursor<Long, String> cursor;
    private Long revision; // where the cursor stands; null once past the end
    private String key;

    LoggedKeys(MVMap<Long, String> log) {
        this.log = log;
    }

    /** The key the file logged at {@code rev}, or null when it logged none there. */
    String at(long rev) {
        if (cursor == null || revision == null || revision > rev) {
            // the first call, or one behind the cursor or past its end (records come in order; a seek for anything else)
            cursor = log.cursor(rev);
            advance();
        }
        while (revision != null && revision < rev) {
            advance();
        }
        return revision != null && revision == rev ? key : null;
    }

    private void advance() {
        if (cursor.hasNext()) {
            revision = cursor.next();
            key = cursor.getValue();
        } else {
            revision = null;
            key = null;
        }
    }
}
