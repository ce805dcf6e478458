package io.kapi.core.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class FailureLogTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstOfEachKindIsLoggedThenOnePerIntervalWithHowManyWereLeftOut() {
        FailureLog log = new FailureLog(10 * SECOND);
        assertEquals(0, log.admit("a", 0));
        assertEquals(-1, log.admit("a", SECOND));
        assertEquals(-1, log.admit("a", 2 * SECOND));
        assertEquals(0, log.admit("b", 2 * SECOND), "another kind is logged at once");
        assertEquals(-1, log.admit("a", 10 * SECOND - 1));
        assertEquals(3, log.admit("a", 10 * SECOND), "after the interval: logged, with the 3 left out");
        assertEquals(-1, log.admit("a", 11 * SECOND));
        assertEquals(1, log.admit("a", 25 * SECOND));
        assertEquals(0, log.admit("a", 40 * SECOND));
    }

    @Test
    void aKindIsTheFailuresClass() {
        assertEquals(FailureLog.kind(new IllegalStateException("x")), FailureLog.kind(new IllegalStateException("another message")));
        assertNotEquals(FailureLog.kind(new IllegalStateException()), FailureLog.kind(new IllegalArgumentException()));
    }

    @Test
    void theGroupOfARequestPath() {
        assertEquals("apps", FailureLog.group("/apis/apps/v1/namespaces/default/deployments"));
        assertEquals("apps", FailureLog.group("/apis/apps"));
        assertEquals("core", FailureLog.group("/api/v1/pods"));
        assertEquals("core", FailureLog.group("/api"));
        assertEquals("/version", FailureLog.group("/version"));
        assertEquals("/openapi", FailureLog.group("/openapi/v3"));
    }
}
