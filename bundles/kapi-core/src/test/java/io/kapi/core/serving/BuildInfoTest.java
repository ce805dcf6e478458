package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    private static BuildInfo of(String properties) {
        return BuildInfo.read(new ByteArrayInputStream(properties.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void whatTheBuildStampedIsReported() {
        BuildInfo b = of("version=0.2.0\ngitCommit=0123456789abcdef0123456789abcdef01234567\ngitDirty=false\nbuildDate=2026-12-05T10:00:00Z\n");
        assertEquals("v1.32.0-kapi.0.2.0", b.gitVersion());
        assertEquals("0123456789abcdef0123456789abcdef01234567", b.toJson().get("gitCommit").asText());
        assertEquals("clean", b.toJson().get("gitTreeState").asText());
        assertEquals("2026-12-05T10:00:00Z", b.toJson().get("buildDate").asText());
        assertEquals("1", b.toJson().get("major").asText());
        assertEquals("32", b.toJson().get("minor").asText());
        assertEquals("dirty", of("version=0.2.0\ngitCommit=abc\ngitDirty=true\n").gitTreeState());
    }

    @Test
    void placeholdersTheBuildLeftAreEmpty() {
        BuildInfo b = of("version=0.2.0\ngitCommit=${git.commit.id}\ngitDirty=${git.dirty}\nbuildDate=${git.build.time}\n");
        assertEquals("", b.gitCommit());
        assertEquals("", b.gitTreeState());
        assertEquals("", b.buildDate());
    }

    @Test
    void thisBuildIsStamped() {
        // the resource as this build filtered it: a version, and a commit when built from a git checkout
        BuildInfo b = BuildInfo.load();
        assertFalse(b.version().isEmpty());
        assertTrue(b.gitCommit().isEmpty() || b.gitCommit().matches("[0-9a-f]{40}"), b.gitCommit());
    }
}
