package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.authorization.AuthorizerUnion;
import io.kapi.machinery.validation.NameValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * kube's {@code WithImpersonation}: a request with {@code Impersonate-User} (and optionally
 * {@code Impersonate-Group}, {@code Impersonate-Uid}, {@code Impersonate-Extra-<key>}) runs as the user it
 * names, once the authorizers allow the authenticated user the verb {@code impersonate} on each thing asked
 * for: {@code users}, {@code serviceaccounts} (a {@code system:serviceaccount:<namespace>:<name>} user, in its
 * namespace), {@code groups} in the core group; {@code uids} and {@code userextras/<key>} in
 * {@code authentication.k8s.io}. The first one refused is kube's 403 for it. Groups, a uid or extra asked for
 * without a user are refused with 400 (kube answers that with a 500). The impersonated user gets
 * {@code system:authenticated} unless it is anonymous or a group given says otherwise, and a service account
 * its two groups when no group is given, as in kube.
 */
public final class Impersonation implements HandlerFilter {
    static final String USER = "Impersonate-User";
    static final String GROUP = "Impersonate-Group";
    static final String UID = "Impersonate-Uid";
    static final String EXTRA_PREFIX = "impersonate-extra-";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
    private static final String AUTHENTICATED = "system:authenticated";
    private static final String UNAUTHENTICATED = "system:unauthenticated";
    private static final String AUTHENTICATION_GROUP = "authentication.k8s.io";

    private final List<Authorizer> authorizers;

    public Impersonation(List<Authorizer> authorizers) {
        this.authorizers = List.copyOf(authorizers);
    }

    /** One thing to be allowed to impersonate, as kube's {@code ObjectReference} of it. */
    private record Wanted(String apiGroup, String resource, String subresource, String namespace, String name) {
    }

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        HttpServletRequest http = request.http();
        String wantedUser = http.getHeader(USER);
        List<String> wantedGroups = http.getHeader(GROUP) == null ? List.of() : list(http.getHeaders(GROUP));
        String wantedUid = http.getHeader(UID);
        Map<String, List<String>> wantedExtra = extra(http);
        boolean hasUser = wantedUser != null && !wantedUser.isEmpty();
        boolean hasUid = wantedUid != null && !wantedUid.isEmpty();
        if (!hasUser) {
            if (!wantedGroups.isEmpty() || !wantedExtra.isEmpty() || hasUid) {
                throw StatusException.badRequest("requested impersonation of " + (wantedGroups.isEmpty() ? "" : "groups "
                        + wantedGroups + " ") + (wantedExtra.isEmpty() ? "" : "extra " + wantedExtra.keySet() + " ")
                        + (hasUid ? "uid \"" + wantedUid + "\" " : "") + "without impersonating a user");
            }
            next.proceed(request, response);
            return;
        }
        UserInfo requestor = request.user() == null ? UserInfo.ANONYMOUS : request.user();
        List<Wanted> wanted = new ArrayList<>();
        String[] serviceAccount = splitServiceAccount(wantedUser);
        List<String> groups = new ArrayList<>();
        if (serviceAccount != null) {
            wanted.add(new Wanted("", "serviceaccounts", "", serviceAccount[0], serviceAccount[1]));
            if (wantedGroups.isEmpty()) {
                // a service account's groups are fixed: they come with it unless groups are given
                groups.add("system:serviceaccounts");
                groups.add("system:serviceaccounts:" + serviceAccount[0]);
            }
        } else {
            wanted.add(new Wanted("", "users", "", "", wantedUser));
        }
        for (String g : wantedGroups) {
            wanted.add(new Wanted("", "groups", "", "", g));
            groups.add(g);
        }
        wantedExtra.forEach((key, values) -> values.forEach(v -> wanted.add(new Wanted(AUTHENTICATION_GROUP, "userextras", key, "", v))));
        if (hasUid) {
            wanted.add(new Wanted(AUTHENTICATION_GROUP, "uids", "", "", wantedUid));
        }
        for (Wanted w : wanted) {
            RequestInfo actingAs = new RequestInfo(true, request.info().path(), "impersonate", "", w.apiGroup(), "", w.namespace(),
                    w.resource(), w.subresource(), w.name(), List.of());
            AuthorizerUnion.Result decision = AuthorizerUnion.authorize(authorizers, requestor, actingAs);
            if (!decision.allowed()) {
                throw Authorization.forbidden(requestor, actingAs, decision.reason());
            }
        }
        if (!wantedUser.equals(UserInfo.ANONYMOUS.name())) {
            if (!groups.contains(AUTHENTICATED) && !groups.contains(UNAUTHENTICATED)) {
                groups.add(AUTHENTICATED);
            }
        } else if (!groups.contains(UNAUTHENTICATED)) {
            groups.add(UNAUTHENTICATED);
        }
        UserInfo actingUser = new UserInfo(wantedUser, hasUid ? wantedUid : "", List.copyOf(groups), wantedExtra);
        next.proceed(request.withUser(actingUser), response);
    }

    /** The {@code Impersonate-Extra-<key>} headers by key: lower-cased and %-decoded as kube reads them, values in order. */
    private static Map<String, List<String>> extra(HttpServletRequest http) {
        Map<String, List<String>> extra = null;
        java.util.Set<String> seen = null;
        java.util.Enumeration<String> names = http.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String header = names.nextElement();
            if (header.length() <= EXTRA_PREFIX.length() || !header.regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length())) {
                continue;
            }
            if (extra == null) {
                // every request looks: the collections only for one that asks for extra
                extra = new LinkedHashMap<>();
                seen = new java.util.HashSet<>();
            }
            // a name sent in two spellings is listed twice, and each lookup answers the values of both
            String lower = header.toLowerCase(Locale.ROOT);
            if (seen.add(lower)) {
                extra.computeIfAbsent(pathUnescape(lower.substring(EXTRA_PREFIX.length())), k -> new ArrayList<>())
                        .addAll(list(http.getHeaders(header)));
            }
        }
        return extra == null ? Map.of() : extra;
    }

    /** A header enumeration as a list; the servlet API lets a container answer null where it gives no access. */
    private static List<String> list(java.util.Enumeration<String> values) {
        return values == null ? List.of() : Collections.list(values);
    }

    /** Go's {@code url.PathUnescape}, keeping the key as it came when it is not well formed (kube does). */
    static String pathUnescape(String key) {
        if (key.indexOf('%') < 0) {
            return key;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '%') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= key.length() || Character.digit(key.charAt(i + 1), 16) < 0 || Character.digit(key.charAt(i + 2), 16) < 0) {
                return key;
            }
            out.write(Character.digit(key.charAt(i + 1), 16) * 16 + Character.digit(key.charAt(i + 2), 16));
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * kube's {@code serviceaccount.SplitUsername}: namespace and name of a {@code system:serviceaccount:<ns>:<name>}
     * user whose namespace is a DNS-1123 label and name a DNS-1123 subdomain; null for any other user.
     */
    static String[] splitServiceAccount(String username) {
        if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return null;
        }
        String[] parts = username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
        if (parts.length != 2 || !NameValidator.DNS1123_LABEL.validate(parts[0], false).isEmpty()
                || !NameValidator.DNS1123_SUBDOMAIN.validate(parts[1], false).isEmpty()) {
            return null;
        }
        return parts;
    }
}
