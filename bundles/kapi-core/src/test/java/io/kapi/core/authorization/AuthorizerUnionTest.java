package io.kapi.core.authorization;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import io.kapi.core.filters.Authorization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's union authorizer and rule resolver, which the authorization filter and the review APIs share. */
class AuthorizerUnionTest {
    static final UserInfo JANE = new UserInfo("jane", "", List.of("dev"));
    static final RequestInfo GET_PODS = new RequestInfo(true, "", "get", "", "", "v1", "ns", "pods", "", "", List.of());
    static final Authorizer NO_OPINION = (u, r) -> Authorizer.Decision.NO_OPINION;
    static final Authorizer ALLOW = (u, r) -> Authorizer.Decision.ALLOW;
    static final Authorizer DENY = (u, r) -> Authorizer.Decision.DENY;

    static Authorizer failing(String message) {
        return (u, r) -> {
            throw new IllegalStateException(message);
        };
    }

    @Test
    void theFirstOpinionDecidesAndFailuresAreSkipped() {
        assertEquals(Authorizer.Decision.ALLOW, AuthorizerUnion.authorize(List.of(NO_OPINION, ALLOW, DENY), JANE, GET_PODS).decision());
        assertEquals(Authorizer.Decision.DENY, AuthorizerUnion.authorize(List.of(DENY, ALLOW), JANE, GET_PODS).decision());
        AuthorizerUnion.Result allowedAfterFailure = AuthorizerUnion.authorize(List.of(failing("down"), ALLOW), JANE, GET_PODS);
        assertEquals(Authorizer.Decision.ALLOW, allowedAfterFailure.decision());
        assertEquals("", allowedAfterFailure.evaluationError(), "kube answers the deciding authorizer's error only");
        assertNull(allowedAfterFailure.failure());

        RuntimeException first = new IllegalStateException("a");
        AuthorizerUnion.Result none = AuthorizerUnion.authorize(List.of((u, r) -> {
            throw first;
        }, NO_OPINION, failing("b"), failing("a")), JANE, GET_PODS);
        assertEquals(Authorizer.Decision.NO_OPINION, none.decision());
        // Go's utilerrors aggregate: distinct messages, bracketed when more than one
        assertEquals("[a, b]", none.evaluationError());
        assertSame(first, none.failure());
        assertEquals("a", AuthorizerUnion.authorize(List.of(failing("a"), failing("a")), JANE, GET_PODS).evaluationError());
        assertEquals(Authorizer.Decision.NO_OPINION, AuthorizerUnion.authorize(List.of(), JANE, GET_PODS).decision());
    }

    @Test
    void theFilterAnswersAFailureNobodyOverrodeAsAnError() {
        Authorization filter = new Authorization(List.of(failing("down"), NO_OPINION));
        io.kapi.api.server.ApiRequest request = new io.kapi.api.server.ApiRequest(null, GET_PODS, JANE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> filter.filter(request, null, (r, s) -> { }));
        assertEquals("down", e.getMessage());
        io.kapi.api.rest.StatusException forbidden = assertThrows(io.kapi.api.rest.StatusException.class,
                () -> new Authorization(List.of(NO_OPINION)).filter(request, null, (r, s) -> { }));
        assertEquals(403, forbidden.code());
        boolean[] passed = {false};
        assertDoesNotThrow(() -> new Authorization(List.of(failing("down"), ALLOW)).filter(request, null, (r, s) -> passed[0] = true));
        assertEquals(true, passed[0]);
    }

    static Authorizer saying(Authorizer.Decision decision, String reason) {
        return new Authorizer() {
            @Override
            public Decision authorize(UserInfo user, RequestInfo request) {
                return decision;
            }

            @Override
            public Verdict decide(UserInfo user, RequestInfo request) {
                return new Verdict(decision, reason);
            }
        };
    }

    @Test
    void theDecidingAuthorizersReasonOrEveryReasonWithoutAnOpinion() {
        Authorizer missingRole = saying(Authorizer.Decision.NO_OPINION, "RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found");
        Authorizer webhook = saying(Authorizer.Decision.NO_OPINION, "webhook: no rule");
        AuthorizerUnion.Result allowed = AuthorizerUnion.authorize(List.of(missingRole,
                saying(Authorizer.Decision.ALLOW, "RBAC: allowed by ClusterRoleBinding \"b\""), webhook), JANE, GET_PODS);
        assertEquals("RBAC: allowed by ClusterRoleBinding \"b\"", allowed.reason(), "kube's union returns the deciding authorizer's reason alone");
        assertEquals("", AuthorizerUnion.authorize(List.of(missingRole, ALLOW), JANE, GET_PODS).reason(),
                "an authorizer without reasons keeps the default: none");
        AuthorizerUnion.Result none = AuthorizerUnion.authorize(List.of(missingRole, NO_OPINION, webhook), JANE, GET_PODS);
        assertEquals(Authorizer.Decision.NO_OPINION, none.decision());
        assertEquals("RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found\nwebhook: no rule", none.reason(), "one a line, as kube joins them");

        // the 403 carries the reason after kube's message
        io.kapi.api.server.ApiRequest request = new io.kapi.api.server.ApiRequest(null, GET_PODS, JANE);
        io.kapi.api.rest.StatusException forbidden = assertThrows(io.kapi.api.rest.StatusException.class,
                () -> new Authorization(List.of(missingRole)).filter(request, null, (r, s) -> { }));
        assertEquals("pods is forbidden: User \"jane\" cannot get resource \"pods\" in API group \"\" in the namespace \"ns\": "
                + "RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found", forbidden.getMessage());
    }

    @Test
    void theForbiddenMessageQuotesAsGoAndEscapesWhatCouldReadAsHtml() {
        UserInfo odd = new UserInfo("<b>\"bob\" & co</b>", "", List.of());
        RequestInfo nonResource = new RequestInfo(false, "/metrics<x>", "get", "", "", "", "", "", "", "", List.of());
        io.kapi.api.rest.StatusException e = assertThrows(io.kapi.api.rest.StatusException.class,
                () -> new Authorization(List.of(NO_OPINION)).filter(new io.kapi.api.server.ApiRequest(null, nonResource, odd), null, (r, s) -> { }));
        assertEquals("forbidden: User \"&lt;b&gt;\\\"bob\\\" &amp; co&lt;/b&gt;\" cannot get path \"/metrics&lt;x&gt;\"", e.getMessage());
        assertEquals("{}", io.kapi.core.endpoints.Responses.status(e).get("details").toString(), "kube's empty details, not none");
        // kube escapes its own message, not the authorizers' reason after it, nor the resource and name before it
        RequestInfo odds = new RequestInfo(true, "", "get", "", "x<y", "v1", "n<s", "p<s", "", "a<b", List.of());
        io.kapi.api.rest.StatusException r = assertThrows(io.kapi.api.rest.StatusException.class,
                () -> new Authorization(List.of(saying(Authorizer.Decision.NO_OPINION, "RBAC: role.rbac.authorization.k8s.io \"<r>\" not found")))
                        .filter(new io.kapi.api.server.ApiRequest(null, odds, odd), null, (q, s) -> { }));
        assertEquals("p<s.x<y \"a<b\" is forbidden: User \"&lt;b&gt;\\\"bob\\\" &amp; co&lt;/b&gt;\" cannot get resource \"p&lt;s\" in API group "
                + "\"x&lt;y\" in the namespace \"n&lt;s\": RBAC: role.rbac.authorization.k8s.io \"<r>\" not found", r.getMessage());
    }

    @Test
    void rulesAreConcatenatedAndIncompleteWhenAnAuthorizerCannotListThem() {
        RuleResolver.Rules readPods = new RuleResolver.Rules(List.of(new RuleResolver.ResourceRule(List.of("get"), List.of(""), List.of("pods"),
                List.of())), List.of(), false, "");
        class Resolving implements Authorizer, RuleResolver {
            final Rules rules;

            Resolving(Rules rules) {
                this.rules = rules;
            }

            @Override
            public Decision authorize(UserInfo user, RequestInfo request) {
                return Decision.NO_OPINION;
            }

            @Override
            public Rules rulesFor(UserInfo user, String namespace) {
                if (rules == null) {
                    throw new IllegalStateException("boom");
                }
                return rules;
            }
        }
        RuleResolver.Rules healthz = new RuleResolver.Rules(List.of(), List.of(new RuleResolver.NonResourceRule(List.of("get"),
                List.of("/healthz"))), true, "partial");
        RuleResolver.Rules all = AuthorizerUnion.rulesFor(List.of(new Resolving(readPods), new Resolving(healthz)), JANE, "ns");
        assertEquals(readPods.resourceRules(), all.resourceRules());
        assertEquals(healthz.nonResourceRules(), all.nonResourceRules());
        assertEquals(true, all.incomplete());
        assertEquals("partial", all.evaluationError());

        RuleResolver.Rules blind = AuthorizerUnion.rulesFor(List.of(new Resolving(readPods), NO_OPINION, new Resolving(null)), JANE, "ns");
        assertEquals(readPods.resourceRules(), blind.resourceRules());
        assertEquals(true, blind.incomplete());
        assertEquals("[authorizer does not support user rule resolution, boom]", blind.evaluationError());
        assertEquals(RuleResolver.Rules.NONE, AuthorizerUnion.rulesFor(List.of(), JANE, "ns"));
    }
}
