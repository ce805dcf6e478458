package io.kapi.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Gives the local operator a console account without a default password: at first start, if
 * {@code etc/users.properties} enables no user, one is added with a random password. Karaf's
 * {@code bin/client} reads that file, so on this machine it logs in by itself; the file is made
 * readable by its owner only. An existing user (the operator's own choice) is never changed.
 */
public final class LocalOperator {
    public static final String USER = "karaf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalOperator() {
    }

    /** Returns true when a user was added. */
    public static boolean ensure(Path usersProperties) throws IOException {
        List<String> lines = Files.exists(usersProperties)
                ? Files.readAllLines(usersProperties, StandardCharsets.ISO_8859_1) : new ArrayList<>();
        for (String line : lines) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("_g_")) {
                return false;
            }
        }
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        List<String> out = new ArrayList<>(lines);
        out.add("# the local operator, added by Kapi at first start with a random password (bin/client reads it)");
        out.add(USER + " = " + password + ",_g_:admingroup");
        boolean hasGroup = lines.stream().anyMatch(l -> l.trim().startsWith("_g_\\:admingroup"));
        if (!hasGroup) {
            out.add("_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh");
        }
        Path tmp = usersProperties.resolveSibling(usersProperties.getFileName() + ".tmp");
        Files.write(tmp, out, StandardCharsets.ISO_8859_1);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // non-POSIX file systems keep their defaults
        }
        Files.move(tmp, usersProperties, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
}
