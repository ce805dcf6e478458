package io.kapi.security.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.security.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenAuthenticatorTest {
    @TempDir
    Path dir;

    static HttpServletRequest auth(String header) {
        return TestCa.request(Map.of(), header == null ? Map.of() : Map.of("Authorization", header));
    }

    @Test
    void bearerTokensAsKubeReadsThem() throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "secret1,alice,u1,\"dev,ops\"\n");
        TokenAuthenticator authn = new TokenAuthenticator(file);
        assertEquals(new UserInfo("alice", "u1", List.of("dev", "ops", "system:authenticated")), authn.authenticate(auth("Bearer secret1")));
        assertEquals("alice", authn.authenticate(auth("bearer secret1")).name());
        assertEquals("alice", authn.authenticate(auth("  Bearer secret1  ")).name());
        assertNull(authn.authenticate(auth(null)));
        assertNull(authn.authenticate(auth("Basic YWxpY2U6cHc=")));
        assertNull(authn.authenticate(auth("Bearer")));
        assertNull(authn.authenticate(auth("Bearer  secret1")), "kube: the space before the token makes it empty");
        StatusException e = assertThrows(StatusException.class, () -> authn.authenticate(auth("Bearer wrong")));
        assertEquals(401, e.code());
        assertThrows(StatusException.class, () -> authn.authenticate(auth("Bearer secret")));
    }

    @Test
    void theFileIsReadAgainWhenItChanges() throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "old,alice,u1\n");
        // the clock moves a second past each look at the file
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        TokenAuthenticator authn = new TokenAuthenticator(file, TokenAuthenticator.RECHECK_NANOS,
                () -> now.addAndGet(TokenAuthenticator.RECHECK_NANOS));
        assertEquals("alice", authn.authenticate(auth("Bearer old")).name());

        // same size and, on coarse file systems, possibly the same time: the stamp must still differ
        Files.writeString(file, "new,bobby,u2\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
        assertEquals("bobby", authn.authenticate(auth("Bearer new")).name());
        assertThrows(StatusException.class, () -> authn.authenticate(auth("Bearer old")), "revoked");

        // a broken edit keeps the tokens that were in force
        Files.writeString(file, "new,bobby,u2\nhalf-written");
        assertEquals("bobby", authn.authenticate(auth("Bearer new")).name());

        Files.delete(file);
        assertThrows(StatusException.class, () -> authn.authenticate(auth("Bearer new")), "no file, no tokens");
        Files.writeString(file, "again,carol,u3\n");
        assertEquals("carol", authn.authenticate(auth("Bearer again")).name());
    }

    @Test
    void theFileIsLookedAtAtMostOnceASecond() throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "old,alice,u1\n");
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        TokenAuthenticator authn = new TokenAuthenticator(file, TokenAuthenticator.RECHECK_NANOS, now::get);
        assertEquals("alice", authn.authenticate(auth("Bearer old")).name());
        Files.writeString(file, "new,bobby,u2\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
        now.addAndGet(TokenAuthenticator.RECHECK_NANOS - 1);
        assertEquals("alice", authn.authenticate(auth("Bearer old")).name(), "within the second: as read before");
        now.addAndGet(1);
        assertEquals("bobby", authn.authenticate(auth("Bearer new")).name(), "a second later: the new file");
        assertThrows(StatusException.class, () -> authn.authenticate(auth("Bearer old")));
    }

    /** Requests that arrive together at a new authenticator all see the file read, none an empty list. */
    @Test
    void concurrentFirstRequestsAllSeeTheTokens() throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "secret,alice,u1\n");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 200; round++) {
                TokenAuthenticator authn = new TokenAuthenticator(file);
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<String>> names = new java.util.ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    names.add(pool.submit(() -> {
                        go.await();
                        return authn.authenticate(auth("Bearer secret")).name();
                    }));
                }
                go.countDown();
                for (java.util.concurrent.Future<String> name : names) {
                    assertEquals("alice", name.get(10, java.util.concurrent.TimeUnit.SECONDS), "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theGeneratedAdminTokenAuthenticates() throws Exception {
        Path file = dir.resolve("tokens.csv");
        String token = TokenFile.ensureAdminToken(file).orElseThrow();
        UserInfo admin = new TokenAuthenticator(file).authenticate(auth("Bearer " + token));
        assertEquals(new UserInfo("kapi-admin", "kapi-admin", List.of("system:masters", "system:authenticated")), admin);
    }

    @Test
    void bearerParsing() {
        assertEquals("abc", TokenAuthenticator.bearer("Bearer abc"));
        assertEquals("abc", TokenAuthenticator.bearer("BEARER abc extra"));
        assertNull(TokenAuthenticator.bearer("Bearer "));
        assertNull(TokenAuthenticator.bearer("Token abc"));
    }
}
