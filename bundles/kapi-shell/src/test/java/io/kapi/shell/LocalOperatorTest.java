package io.kapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalOperatorTest {
    @TempDir
    Path dir;

    @Test
    void addsOneUserWithARandomPasswordOnlyOnce() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "#karaf = karaf,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
        assertTrue(LocalOperator.ensure(users));
        Properties p = new Properties();
        try (var in = Files.newInputStream(users)) {
            p.load(in);
        }
        String entry = p.getProperty("karaf");
        assertTrue(entry.endsWith(",_g_:admingroup"));
        assertFalse(entry.startsWith("karaf,"), "no default password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        String before = Files.readString(users);
        assertFalse(LocalOperator.ensure(users));
        assertEquals(before, Files.readString(users));
    }
}
