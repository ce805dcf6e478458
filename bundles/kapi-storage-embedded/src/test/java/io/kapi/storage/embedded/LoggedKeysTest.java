package io.kapi.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

class LoggedKeysTest {
    @Test
    void readsTheFileLogForwardAndAnswersEveryRevisionAsALookupWould() {
        MVStore store = MVStore.open(null);
        try {
            MVMap<Long, String> log = store.openMap("log");
            for (long r = 1; r <= 10; r++) {
                if (r != 5) {
                    log.put(r, "/k/" + r);
                }
            }
            LoggedKeys keys = new LoggedKeys(log);
            assertEquals("/k/1", keys.at(1));
            assertEquals("/k/2", keys.at(2));
            assertNull(keys.at(5), "a revision the file did not log");
            assertEquals("/k/6", keys.at(6));
            assertEquals("/k/3", keys.at(3), "behind the cursor: looked up again");
            assertEquals("/k/9", keys.at(9));
            assertEquals("/k/10", keys.at(10));
            assertNull(keys.at(11), "past the end");
            assertEquals("/k/4", keys.at(4));
            for (long r = 1; r <= 12; r++) {
                assertEquals(log.get(r), new LoggedKeys(log).at(r), "revision " + r + " from a fresh cursor");
            }
        } finally {
            store.close();
        }
    }
}
