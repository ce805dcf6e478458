package io.kapi.api.rest;

import java.util.List;

/** The authenticated user of a request, as kube's {@code user.Info}. */
public record UserInfo(String name, String uid, List<String> groups) {
    public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"));
}
