package io.kapi.group.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.ResourceDefinition;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events live for kube-apiserver's {@code --event-ttl} after each write: {@code eventTTL}, an hour by default. */
class EventTimeToLiveTest {

    private static long eventTtl(CoreGroupProvider provider) {
        ResourceDefinition events = provider.resources().stream().filter(r -> r.plural().equals("events")).findFirst().orElseThrow();
        return events.strategy().timeToLiveSeconds();
    }

    @Test
    void eventsLiveAnHourByDefaultAndAsConfigured() {
        assertEquals(3600, eventTtl(new CoreGroupProvider()));
        assertEquals(90, eventTtl(new CoreGroupProvider(Map.of("eventTTL", "1m30s"))));
        assertEquals(0, eventTtl(new CoreGroupProvider(Map.of("eventTTL", "0"))), "0: events never expire, as kube attaches no lease");
        assertEquals(0, eventTtl(new CoreGroupProvider(Map.of("eventTTL", "500ms"))), "kube's whole seconds");
        // only the events: every other kind lives until it is deleted
        assertTrue(new CoreGroupProvider(Map.of("eventTTL", "5s")).resources().stream()
                .filter(r -> !r.plural().equals("events")).allMatch(r -> r.strategy() == null || r.strategy().timeToLiveSeconds() == 0));
        assertThrows(IllegalArgumentException.class, () -> new CoreGroupProvider(Map.of("eventTTL", "an hour")));
    }

    @Test
    void goDurations() {
        assertEquals(Duration.ofHours(1), GoDuration.parse("1h", "x"));
        assertEquals(Duration.ofHours(1), GoDuration.parse("1h0m0s", "x"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h", "x"));
        assertEquals(Duration.ofMillis(2_500), GoDuration.parse("2s500ms", "x"));
        assertEquals(Duration.ofNanos(1_500), GoDuration.parse("1µs500ns", "x"));
        assertEquals(Duration.ofMillis(500), GoDuration.parse(".5s", "x"));
        assertEquals(Duration.ZERO, GoDuration.parse("0", "x"));
        assertEquals(Duration.ofHours(2), GoDuration.parse("+2h", "x"));
        for (String bad : new String[] {"", "1", "h", "-1h", "1d", "1h ", "1hm", "1.h.5", "+", "++1h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad, "eventTTL"), bad);
            assertTrue(e.getMessage().startsWith("eventTTL "), e.getMessage());
        }
    }
}
