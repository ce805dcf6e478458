package io.kapi.security.authn;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;

/**
 * kube's static token file authenticator ({@code --token-auth-file}): CSV lines
 * {@code token,user,uid,"group1,group2"}; the file is read again when it changes.
 */
public final class TokenAuthenticator implements Authenticator {
    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(FileTime.fromMillis(-1), Map.of());

    private record Snapshot(FileTime modified, Map<String, UserInfo> users) {
    }

    public TokenAuthenticator(Path file) {
        this.file = file;
    }

    @Override
    public UserInfo authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        if (token.isEmpty()) {
            return null;
        }
        for (Map.Entry<String, UserInfo> e : current().entrySet()) {
            // constant-time comparison: a token must not leak through timing
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                return e.getValue();
            }
        }
        throw StatusException.unauthorized();
    }

    private Map<String, UserInfo> current() {
        try {
            if (!Files.exists(file)) {
                return Map.of();
            }
            FileTime modified = Files.getLastModifiedTime(file);
            Snapshot s = snapshot;
            if (!modified.equals(s.modified())) {
                s = new Snapshot(modified, parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
                snapshot = s;
            }
            return s.users();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses kube's token CSV; groups in a quoted last column. */
    public static Map<String, UserInfo> parse(List<String> lines) {
        Map<String, UserInfo> users = new HashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> cols = csv(line);
            if (cols.size() < 3) {
                continue;
            }
            List<String> groups = new ArrayList<>();
            if (cols.size() > 3) {
                for (String g : cols.get(3).split(",")) {
                    if (!g.isBlank()) {
                        groups.add(g.trim());
                    }
                }
            }
            groups.add("system:authenticated");
            users.put(cols.get(0).trim(), new UserInfo(cols.get(1).trim(), cols.get(2).trim(), List.copyOf(groups)));
        }
        return Map.copyOf(users);
    }

    private static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
