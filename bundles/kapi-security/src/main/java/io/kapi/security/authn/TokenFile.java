package io.kapi.security.authn;

import io.kapi.api.rest.UserInfo;
import io.kapi.security.pki.Pki;
import io.kapi.security.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube's static token file ({@code --token-auth-file}): CSV records {@code token,user,uid} with an
 * optional fourth column of comma-separated groups, which is then quoted:
 * {@code token,user,uid,"group1,group2"}.
 *
 * <p>Parsing follows Go's {@code encoding/csv} as kube uses it (quoted fields with {@code ""} for a
 * quote, no trimming, a bare quote in an unquoted field is an error, at least three columns, a record
 * with an empty token skipped, the last of duplicate tokens wins). Two liberties: blank lines and lines
 * starting with {@code #} are skipped (generated tokens never start with {@code #}), and empty group
 * names are dropped. Every user also gets {@value X509Authenticator#AUTHENTICATED}, which kube's
 * authenticator chain adds.
 */
public final class TokenFile {
    public static final String ADMIN_USER = Pki.ADMIN_USER;
    public static final String ADMIN_GROUP = Pki.ADMIN_GROUP;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenFile() {
    }

    /** Token to user; {@link IllegalArgumentException} naming the line of the first malformed record. */
    public static Map<String, UserInfo> parse(String content) {
        Map<String, UserInfo> users = new LinkedHashMap<>();
        for (Record r : records(content)) {
            List<String> cols = r.fields();
            if (cols.size() < 3) {
                throw new IllegalArgumentException("line " + r.line() + ": at least 3 columns (token, user name, user uid) needed, found "
                        + cols.size());
            }
            if (cols.get(0).isEmpty()) {
                continue;
            }
            List<String> groups = new ArrayList<>();
            if (cols.size() >= 4) {
                for (String g : cols.get(3).split(",", -1)) {
                    if (!g.isEmpty() && !groups.contains(g)) {
                        groups.add(g);
                    }
                }
            }
            if (!groups.contains(X509Authenticator.AUTHENTICATED)) {
                groups.add(X509Authenticator.AUTHENTICATED);
            }
            users.put(cols.get(0), new UserInfo(cols.get(1), cols.get(2), List.copyOf(groups)));
        }
        return users;
    }

    /** One CSV record, quoting fields only where Go's csv reader needs it. */
    public static String line(String token, String user, String uid, List<String> groups) {
        StringBuilder b = new StringBuilder();
        b.append(field(token)).append(',').append(field(user)).append(',').append(field(uid));
        if (!groups.isEmpty()) {
            b.append(',').append(field(String.join(",", groups)));
        }
        return b.append('\n').toString();
    }

    /**
     * At first start (no file yet) writes a file with a random admin token (32 bytes, base64url) for
     * {@value #ADMIN_USER} in {@value #ADMIN_GROUP}, owner-only; returns that token. An existing file
     * is the operator's and is left alone (empty result).
     */
    public static Optional<String> ensureAdminToken(Path file) throws IOException {
        if (Files.exists(file)) {
            return Optional.empty();
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        SecureFiles.write(file, line(token, ADMIN_USER, ADMIN_USER, List.of(ADMIN_GROUP)).getBytes(StandardCharsets.UTF_8), true);
        return Optional.of(token);
    }

    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private record Record(int line, List<String> fields) {
    }

    private static List<Record> records(String content) {
        List<Record> out = new ArrayList<>();
        String s = content.replace("\r\n", "\n");
        int i = 0;
        int line = 1;
        while (i < s.length()) {
            int start = line;
            int eol = s.indexOf('\n', i);
            String first = s.substring(i, eol < 0 ? s.length() : eol);
            if (first.isBlank() || first.startsWith("#")) {
                i = eol < 0 ? s.length() : eol + 1;
                line++;
                continue;
            }
            List<String> fields = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean end = false;
            while (!end) {
                if (i < s.length() && s.charAt(i) == '"') {
                    // quoted field: may hold commas, "" and newlines
                    i++;
                    while (true) {
                        if (i >= s.length()) {
                            throw new IllegalArgumentException("line " + start + ": unterminated quoted field");
                        }
                        char c = s.charAt(i++);
                        if (c == '"') {
                            if (i < s.length() && s.charAt(i) == '"') {
                                cur.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            if (c == '\n') {
                                line++;
                            }
                            cur.append(c);
                        }
                    }
                    if (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '\n') {
                        throw new IllegalArgumentException("line " + line + ": extraneous \" in field");
                    }
                } else {
                    while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '\n') {
                        if (s.charAt(i) == '"') {
                            throw new IllegalArgumentException("line " + line + ": bare \" in non-quoted field");
                        }
                        cur.append(s.charAt(i++));
                    }
                }
                fields.add(cur.toString());
                cur.setLength(0);
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                } else {
                    end = true;
                    if (i < s.length()) {
                        i++; // the newline
                    }
                    line++;
                }
            }
            out.add(new Record(start, fields));
        }
        return out;
    }
}
