package io.kapi.security.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesAtomicallyWithTheRightMode() throws Exception {
        Path f = dir.resolve("sub/secret");
        SecureFiles.write(f, "one".getBytes(), true);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        SecureFiles.write(f, "two".getBytes(), false);
        assertEquals("two", Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void writeIfChangedLeavesEqualContentAlone() throws Exception {
        Path f = dir.resolve("k");
        assertTrue(SecureFiles.writeIfChanged(f, "x".getBytes(), true));
        FileTime t = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(f, t);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertFalse(SecureFiles.writeIfChanged(f, "x".getBytes(), true));
        assertEquals(t, Files.getLastModifiedTime(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), "mode restored");
        assertTrue(SecureFiles.writeIfChanged(f, "y".getBytes(), true));
    }
}
