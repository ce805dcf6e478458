package io.kapi.core.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

/** kube's impersonation filter, with the cases of its {@code TestImpersonationFilter} that Kapi's users can meet. */
class ImpersonationTest {
    private static final UserInfo BOB = new UserInfo("bob", "", List.of("devs", "system:authenticated"));
    private static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters", "system:authenticated"));

    /** Everything to system:masters; bob may impersonate user alice, group wheel and service accounts in ns1 only. */
    private final List<RequestInfo> asked = new ArrayList<>();
    private final Authorizer authorizer = (user, info) -> {
        asked.add(info);
        if (user.groups().contains("system:masters")) {
            return Authorizer.Decision.ALLOW;
        }
        boolean allowed = info.verb().equals("impersonate") && switch (info.resource()) {
            case "users" -> info.name().equals("alice");
            case "groups" -> info.name().equals("wheel");
            case "serviceaccounts" -> info.namespace().equals("ns1");
            default -> false;
        };
        return allowed ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION;
    };

    private UserInfo run(UserInfo requestor, Map<String, List<String>> headers) throws Exception {
        AtomicReference<UserInfo> seen = new AtomicReference<>();
        ApiRequest request = new ApiRequest(http(headers),
                new RequestInfo(true, "/api/v1/namespaces/default/pods", "list", "api", "", "v1", "default", "pods", "", "", List.of()), requestor);
        new Impersonation(List.of(authorizer)).filter(request, FiltersTest.response(), (r, s) -> seen.set(r.user()));
        return seen.get();
    }

    private static Map<String, List<String>> headers(String... nameValue) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.computeIfAbsent(nameValue[i], k -> new ArrayList<>()).add(nameValue[i + 1]);
        }
        return h;
    }

    /** A request carrying {@code headers} (names matched without regard to case, as the servlet API does). */
    private static HttpServletRequest http(Map<String, List<String>> headers) {
        return (HttpServletRequest) Proxy.newProxyInstance(ImpersonationTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> {
                    List<String> values = a != null && a.length == 1 && a[0] instanceof String name
                            ? headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                                    .flatMap(e -> e.getValue().stream()).toList() : List.of();
                    return switch (m.getName()) {
                        case "getHeader" -> values.isEmpty() ? null : values.get(0);
                        case "getHeaders" -> Collections.enumeration(values);
                        case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                        default -> m.getReturnType() == boolean.class ? false : null;
                    };
                });
    }

    @Test
    void withoutImpersonationHeadersTheRequestorStays() throws Exception {
        assertSame(BOB, run(BOB, headers()));
        assertEquals(List.of(), asked, "nothing to authorize");
    }

    @Test
    void anAllowedUserIsImpersonatedWithSystemAuthenticated() throws Exception {
        UserInfo alice = run(BOB, headers("Impersonate-User", "alice"));
        assertEquals(new UserInfo("alice", "", List.of("system:authenticated")), alice);
        RequestInfo check = asked.get(0);
        assertEquals(List.of("impersonate", "", "users", "alice", ""),
                List.of(check.verb(), check.apiGroup(), check.resource(), check.name(), check.namespace()));
    }

    @Test
    void aUserNotAllowedIsKubesForbidden() {
        StatusException e = assertThrows(StatusException.class, () -> run(BOB, headers("Impersonate-User", "carol")));
        assertEquals(403, e.code());
        assertEquals("users \"carol\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
                e.getMessage());
        StatusException group = assertThrows(StatusException.class,
                () -> run(BOB, headers("Impersonate-User", "alice", "Impersonate-Group", "wheel", "Impersonate-Group", "system:masters")));
        assertEquals("groups \"system:masters\" is forbidden: User \"bob\" cannot impersonate resource \"groups\" in API group \"\" at the "
                + "cluster scope", group.getMessage());
        StatusException sa = assertThrows(StatusException.class, () -> run(BOB, headers("Impersonate-User", "system:serviceaccount:ns2:robot")));
        assertEquals("serviceaccounts \"robot\" is forbidden: User \"bob\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in "
                + "the namespace \"ns2\"", sa.getMessage());
        StatusException extra = assertThrows(StatusException.class,
                () -> run(BOB, headers("Impersonate-User", "alice", "Impersonate-Extra-Scopes", "view")));
        assertEquals("userextras.authentication.k8s.io \"view\" is forbidden: User \"bob\" cannot impersonate resource \"userextras/scopes\" in "
                + "API group \"authentication.k8s.io\" at the cluster scope", extra.getMessage());
        StatusException uid = assertThrows(StatusException.class, () -> run(BOB, headers("Impersonate-User", "alice", "Impersonate-Uid", "1234")));
        assertEquals("uids.authentication.k8s.io \"1234\" is forbidden: User \"bob\" cannot impersonate resource \"uids\" in API group "
                + "\"authentication.k8s.io\" at the cluster scope", uid.getMessage());
    }

    @Test
    void theAuthorizersReasonFollowsTheRefusal() {
        Authorizer reasoned = new Authorizer() {
            @Override
            public Decision authorize(UserInfo user, RequestInfo request) {
                return Decision.NO_OPINION;
            }

            @Override
            public Verdict decide(UserInfo user, RequestInfo request) {
                return new Verdict(Decision.NO_OPINION, "RBAC: clusterrole.rbac.authorization.k8s.io \"impersonator\" not found");
            }
        };
        ApiRequest request = new ApiRequest(http(headers("Impersonate-User", "carol")),
                new RequestInfo(true, "/api/v1/namespaces/default/pods", "list", "api", "", "v1", "default", "pods", "", "", List.of()), BOB);
        StatusException e = assertThrows(StatusException.class,
                () -> new Impersonation(List.of(reasoned)).filter(request, FiltersTest.response(), (r, s) -> { }));
        assertEquals("users \"carol\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope: "
                + "RBAC: clusterrole.rbac.authorization.k8s.io \"impersonator\" not found", e.getMessage());
    }

    @Test
    void groupsUidAndExtraAreTakenAsGiven() throws Exception {
        UserInfo u = run(ADMIN, headers("Impersonate-User", "alice", "Impersonate-Group", "wheel", "Impersonate-Group", "ops",
                "Impersonate-Uid", "u-1", "Impersonate-Extra-Scopes", "view", "Impersonate-Extra-scopes", "edit",
                "Impersonate-Extra-Example.com%2Fteam", "blue"));
        assertEquals("alice", u.name());
        assertEquals("u-1", u.uid());
        assertEquals(List.of("wheel", "ops", "system:authenticated"), u.groups());
        assertEquals(Map.of("scopes", List.of("view", "edit"), "example.com/team", List.of("blue")), u.extra());
        // a given system:authenticated or system:unauthenticated is the authority
        assertEquals(List.of("system:unauthenticated"), run(ADMIN, headers("Impersonate-User", "alice",
                "Impersonate-Group", "system:unauthenticated")).groups());
        assertEquals(List.of("system:unauthenticated"), run(ADMIN, headers("Impersonate-User", "system:anonymous")).groups());
    }

    @Test
    void aServiceAccountGetsItsGroupsUnlessGroupsAreGiven() throws Exception {
        UserInfo sa = run(BOB, headers("Impersonate-User", "system:serviceaccount:ns1:robot"));
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"), sa.groups());
        RequestInfo check = asked.get(0);
        assertEquals(List.of("serviceaccounts", "robot", "ns1"), List.of(check.resource(), check.name(), check.namespace()));
        assertEquals(List.of("wheel", "system:authenticated"), run(BOB, headers("Impersonate-User", "system:serviceaccount:ns1:robot",
                "Impersonate-Group", "wheel")).groups());
        // not a service account's name: a user of that name
        assertNull(Impersonation.splitServiceAccount("system:serviceaccount:ns1:robot:extra"));
        assertNull(Impersonation.splitServiceAccount("system:serviceaccount:NS:robot"));
    }

    @Test
    void groupsWithoutAUserAreABadRequest() {
        StatusException e = assertThrows(StatusException.class, () -> run(ADMIN, headers("Impersonate-Group", "wheel")));
        assertEquals(400, e.code());
        assertEquals("requested impersonation of groups [wheel] without impersonating a user", e.getMessage());
        assertEquals(List.of(), asked);
    }

    @Test
    void extraKeysAreDecodedAsGoDecodesPaths() {
        assertEquals("example.com/team", Impersonation.pathUnescape("example.com%2fteam"));
        assertEquals("a%zz", Impersonation.pathUnescape("a%zz"), "malformed: kept as sent");
        assertEquals("a+b", Impersonation.pathUnescape("a+b"));
    }
}
