package io.kapi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameworkStartupTest {
    @Test
    void theTargetIsKarafsBeginningLevelNotTheLockLevelTheFrameworkStartsAt() {
        // Karaf keeps etc/config.properties' level as a system property and starts the framework at its lock's level
        assertEquals(100, FrameworkStartup.targetLevel("100", "1"));
        assertEquals(30, FrameworkStartup.targetLevel(null, "30"), "outside Karaf: the framework's own");
        assertEquals(1, FrameworkStartup.targetLevel(null, null), "the OSGi default");
        assertEquals(1, FrameworkStartup.targetLevel("x", null));
    }
}
