package io.kapi.security.authn;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;

/**
 * kube's bearer token authenticator over a static token file ({@link TokenFile}). The file is read
 * again when it changes (modification time, size or inode), so tokens can be added or revoked
 * without a restart. A file that fails to parse keeps the previous tokens in force (and is logged)
 * rather than locking every client out halfway through an edit.
 *
 * <p>As kube's {@code bearertoken} authenticator: no {@code Authorization: Bearer} header, or an
 * empty token, is "no credential" (null); a token that is not in the file is 401. A WebSocket upgrade
 * may carry its token as a subprotocol instead ({@link WebSocketBearerToken}).
 */
public final class TokenAuthenticator implements Authenticator {
    private static final Logger LOG = Logger.getLogger(TokenAuthenticator.class.getName());

    private final Path file;
    private final Object reloadLock = new Object();
    private volatile Snapshot snapshot = new Snapshot(null, Map.of(), 0, false);

    /**
     * What was read, the file's identity then, and when the file was last looked at (published with the
     * users, so that no request sees a look without its result); users are keyed by the SHA-256 of their token.
     */
    private record Snapshot(Stamp stamp, Map<ByteBuffer, UserInfo> users, long checkedAt, boolean checked) {
        Snapshot lookedAt(long now) {
            return new Snapshot(stamp, users, now, true);
        }
    }

    private record Stamp(FileTime modified, long size, Object key) {
    }

    /** How often the file is looked at for a change: at most once a second, not at every request (4 % of a GET). */
    static final long RECHECK_NANOS = 1_000_000_000L;
    private final long recheckNanos;
    private final java.util.function.LongSupplier clock;

    public TokenAuthenticator(Path file) {
        this(file, RECHECK_NANOS, System::nanoTime);
    }

    TokenAuthenticator(Path file, long recheckNanos, java.util.function.LongSupplier clock) {
        this.file = file;
        this.recheckNanos = recheckNanos;
        this.clock = clock;
    }

    @Override
    public UserInfo authenticate(HttpServletRequest request) {
        String token = bearer(request.getHeader("Authorization"));
        if (token == null) {
            token = WebSocketBearerToken.of(request);
        }
        if (token == null) {
            return null;
        }
        // looking up by digest keeps the comparison time independent of how much of a guessed token is right
        UserInfo user = current().get(digest(token));
        if (user == null) {
            throw StatusException.unauthorized();
        }
        return user;
    }

    /** The token of an {@code Authorization} header value, as kube's {@code bearertoken} splits it; null if none. */
    public static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.strip().split(" ", 3);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            return null;
        }
        return parts[1];
    }

    private Map<ByteBuffer, UserInfo> current() {
        long now = clock.getAsLong();
        Snapshot s = snapshot;
        if (s.checked() && now - s.checkedAt() < recheckNanos) {
            return s.users();
        }
        // once a second: one request looks at the file, the others wait for what it finds
        synchronized (reloadLock) {
            s = snapshot;
            if (s.checked() && now - s.checkedAt() < recheckNanos) {
                return s.users();
            }
            Stamp stamp = stamp();
            if (s.checked() && Objects.equals(stamp, s.stamp())) {
                snapshot = s.lookedAt(now);
                return s.users();
            }
            Map<ByteBuffer, UserInfo> users = s.users();
            if (stamp == null) {
                users = Map.of();
            } else {
                try {
                    Map<ByteBuffer, UserInfo> parsed = new HashMap<>();
                    TokenFile.parse(Files.readString(file, StandardCharsets.UTF_8))
                            .forEach((token, user) -> parsed.put(digest(token), user));
                    users = Map.copyOf(parsed);
                } catch (IOException | IllegalArgumentException e) {
                    LOG.log(Level.WARNING, "token file " + file + " not (re)loaded, the previous tokens stay in force: " + e.getMessage());
                }
            }
            snapshot = new Snapshot(stamp, users, now, true);
            return users;
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "token file " + file + " unreadable: " + e.getMessage());
            return snapshot.stamp();
        }
    }

    private static ByteBuffer digest(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
