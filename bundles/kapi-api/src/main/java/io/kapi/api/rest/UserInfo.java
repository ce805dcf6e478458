package io.kapi.api.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authenticated user of a request, as kube's {@code user.Info}: name, uid, groups and extra (what an
 * authenticator or an impersonating client adds, key by key; empty when there is none).
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"));

    public UserInfo {
        extra = extra == null || extra.isEmpty() ? Map.of() : copy(extra);
    }

    /** A user without extra. */
    public UserInfo(String name, String uid, List<String> groups) {
        this(name, uid, groups, Map.of());
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> extra) {
        Map<String, List<String>> c = new LinkedHashMap<>();
        extra.forEach((k, v) -> c.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(c);
    }
}
