package io.kapi.security.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.UserInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    @Test
    void kubeFormatWithQuotedGroups() {
        Map<String, UserInfo> users = TokenFile.parse("# a comment\n"
                + "t1,alice,u1,\"dev,ops\"\n"
                + "\n"
                + "t2,bob,u2\n"
                + "t3,carol,u3,single\n"
                + "t4,\"dan \"\"the man\"\"\",u4,\"a,,b,\"\r\n"
                + ",nobody,u5\n");
        assertEquals(new UserInfo("alice", "u1", List.of("dev", "ops", "system:authenticated")), users.get("t1"));
        assertEquals(new UserInfo("bob", "u2", List.of("system:authenticated")), users.get("t2"));
        assertEquals(List.of("single", "system:authenticated"), users.get("t3").groups());
        assertEquals(new UserInfo("dan \"the man\"", "u4", List.of("a", "b", "system:authenticated")), users.get("t4"));
        assertEquals(4, users.size(), "the record with an empty token is skipped");
    }

    @Test
    void likeGoCsvNoTrimmingAndTheLastDuplicateWins() {
        Map<String, UserInfo> users = TokenFile.parse("t1, alice ,u1\nt1,alice2,u1\n");
        assertEquals("alice2", users.get("t1").name());
        assertEquals(" alice ", TokenFile.parse("t1, alice ,u1").get("t1").name());
        assertEquals(List.of("multi\nline", "system:authenticated"), TokenFile.parse("t,u,i,\"multi\nline\"\n").get("t").groups());
    }

    @Test
    void malformedRecordsNameTheirLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenFile.parse("t1,a,u1\nt2,b\n"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenFile.parse("t1,a,u1,\"open"));
        assertThrows(IllegalArgumentException.class, () -> TokenFile.parse("t1,a\"b,u1"));
        assertThrows(IllegalArgumentException.class, () -> TokenFile.parse("t1,\"a\"b,u1"));
    }

    @Test
    void linesRoundTrip() {
        String line = TokenFile.line("tok", "user, with comma", "uid", List.of("g1", "g2"));
        assertEquals("tok,\"user, with comma\",uid,\"g1,g2\"\n", line);
        assertEquals(new UserInfo("user, with comma", "uid", List.of("g1", "g2", "system:authenticated")), TokenFile.parse(line).get("tok"));
        assertEquals("t,u,i,g\n", TokenFile.line("t", "u", "i", List.of("g")));
        assertEquals("t,u,i\n", TokenFile.line("t", "u", "i", List.of()));
    }

    @Test
    void theAdminTokenIsWrittenOnceOwnerOnly() throws Exception {
        Path file = dir.resolve("kapi/tokens.csv");
        Optional<String> token = TokenFile.ensureAdminToken(file);
        assertTrue(token.isPresent());
        assertTrue(token.get().matches("[A-Za-z0-9_-]{43}"), token.get());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file);
        assertEquals(token.get() + ",kapi-admin,kapi-admin,system:masters\n", content);
        assertEquals(new UserInfo("kapi-admin", "kapi-admin", List.of("system:masters", "system:authenticated")),
                TokenFile.parse(content).get(token.get()));
        assertEquals(Optional.empty(), TokenFile.ensureAdminToken(file));
        assertEquals(content, Files.readString(file), "an existing file is the operator's");
        assertTrue(!TokenFile.ensureAdminToken(dir.resolve("other.csv")).equals(token), "random per file");
    }
}
