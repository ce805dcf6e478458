package io.kapi.storage.etcd;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round robin over the endpoints, failed ones last for a while; no etcd needed. */
class EndpointHealthTest {

    @Test
    void everyEndpointComesFirstInTurn() {
        EndpointHealth h = new EndpointHealth(3);
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            List<Integer> order = h.order(0);
            assertEquals(3, order.size());
            assertEquals(Set.of(0, 1, 2), new HashSet<>(order));
            firsts.add(order.get(0));
        }
        assertEquals(Set.of(0, 1, 2), firsts, "round robin: each endpoint leads one call in three");
    }

    @Test
    void aFailedEndpointIsTriedLastUntilItAnswersOrItsTimeIsUp() {
        EndpointHealth h = new EndpointHealth(3);
        long now = 1_000_000_000L;
        assertTrue(h.failed(1, now), "healthy to failed is a transition");
        assertFalse(h.failed(1, now + 1), "failing again is not");
        for (int i = 0; i < 6; i++) {
            List<Integer> order = h.order(now + 2);
            assertEquals(1, order.get(2), "the failed endpoint comes last: " + order);
        }
        assertEquals(2, h.healthyCount(now + 2));
        assertFalse(h.isHealthy(1, now + EndpointHealth.AVOID_NANOS - 1));
        assertTrue(h.isHealthy(1, now + 1 + EndpointHealth.AVOID_NANOS), "avoided for a while only");
        assertTrue(h.succeeded(1), "failing to answering is a transition");
        assertFalse(h.succeeded(1));
        assertTrue(h.isHealthy(1, now + 3));
        assertTrue(h.failed(1, now + 4), "after an answer, a failure is a transition again");
    }

    @Test
    void withEveryEndpointFailedAllAreStillTriedTheLongestAvoidedFirst() {
        EndpointHealth h = new EndpointHealth(3);
        h.failed(2, 10);
        h.failed(0, 20);
        h.failed(1, 30);
        assertEquals(List.of(2, 0, 1), h.order(40));
        assertEquals(0, h.healthyCount(40));
    }

    @Test
    void needsAnEndpoint() {
        assertThrows(IllegalArgumentException.class, () -> new EndpointHealth(0));
    }

    @Test
    void progressRequestsAreDecidedOnTheMembersThatAnswered() {
        assertEquals(Boolean.FALSE, EtcdStorage.progressRequestsDecision(java.util.Arrays.asList("3.4.23", null, "3.5.13")),
                "one member without the fix is enough to say no, whoever did not answer");
        assertEquals(null, EtcdStorage.progressRequestsDecision(java.util.Arrays.asList("3.5.13", null, "3.5.13")),
                "a member that could not be asked may lack it: ask again later");
        assertEquals(Boolean.TRUE, EtcdStorage.progressRequestsDecision(List.of("3.5.13", "3.6.0", "3.4.31")));
    }
}
