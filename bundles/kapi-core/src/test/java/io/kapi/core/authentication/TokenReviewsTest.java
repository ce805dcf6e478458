package io.kapi.core.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import io.kapi.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's TokenReview ({@code tokenreview/storage.go}): the token answered by the authenticators the server runs. */
class TokenReviewsTest {
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final RequestContext REVIEWER = new RequestContext("", new UserInfo("admin", "", List.of("system:masters")), false, null);
    final List<String> headers = new ArrayList<>();

    /** kapi-security's token authenticator in small: "good" is jane, any other bearer token is refused. */
    final Authenticator tokens = request -> {
        String header = request.getHeader("Authorization");
        headers.add(header);
        String[] parts = header == null ? new String[0] : header.strip().split(" ", 3);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            return null;
        }
        if (parts[1].equals("good")) {
            return new UserInfo("jane", "u-1", List.of("dev"));
        }
        throw StatusException.unauthorized();
    };
    /** Like kapi-security's X509 authenticator, it reads the client certificate, which a TokenReview request has none of. */
    final Authenticator certificates = request -> request.getAttribute("javax.servlet.request.X509Certificate") == null
            ? null : new UserInfo("cert", "", List.of());

    /** Like kapi-security's service account authenticator: its tokens name audiences, and it checks the ones asked for. */
    final Authenticator serviceAccounts = request -> {
        String header = request.getHeader("Authorization");
        if (!"Bearer sa-vault".equals(header)) {
            return null;
        }
        Object requested = request.getAttribute(io.kapi.api.server.TokenAudiences.REQUESTED);
        if (!(requested instanceof List<?> r) || !r.contains("vault")) {
            throw StatusException.unauthorized();
        }
        request.setAttribute(io.kapi.api.server.TokenAudiences.ACCEPTED, List.of("vault"));
        return new UserInfo("system:serviceaccount:ns:sa", "u-2", List.of("system:serviceaccounts"));
    };

    TokenReviews reviews(List<String> apiAudiences) {
        return new TokenReviews(() -> List.of(certificates, tokens, serviceAccounts), () -> apiAudiences);
    }

    static ObjectNode review(String spec) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'authentication.k8s.io/v1','kind':'TokenReview','spec':" + spec + "}")
                .replace('\'', '"'));
    }

    @Test
    void aGoodTokenIsItsUserForTheApiServersAudiences() throws Exception {
        ObjectNode out = reviews(TokenReviews.DEFAULT_API_AUDIENCES).create(REVIEWER, review("{'token':'good'}"));
        assertEquals(List.of("Bearer good"), headers, "the authenticators see nothing but the token");
        // kube's AuthenticatedGroupAdder adds system:authenticated; audience-agnostic authenticators answer the server's audiences
        assertEquals(("{'authenticated':true,'user':{'username':'jane','uid':'u-1','groups':['dev','system:authenticated']},"
                + "'audiences':['" + ISSUER + "']}").replace('\'', '"'), out.get("status").toString());
        assertEquals("good", out.at("/spec/token").asText(), "kube answers the review it was given");
        assertTrue(out.at("/metadata/creationTimestamp").isNull());
        assertEquals("TokenReview", out.get("kind").asText());
    }

    @Test
    void aBadTokenIsAnInvalidBearerToken() throws Exception {
        ObjectNode out = reviews(TokenReviews.DEFAULT_API_AUDIENCES).create(REVIEWER, review("{'token':'bad'}"));
        // Go's omitempty leaves authenticated=false out; the user is an empty struct
        assertEquals("{\"user\":{},\"error\":\"invalid bearer token\"}", out.get("status").toString());
    }

    @Test
    void requestedAudiencesAreIntersectedWithTheServers() throws Exception {
        TokenReviews reviews = reviews(List.of(ISSUER, "api"));
        ObjectNode both = reviews.create(REVIEWER, review("{'token':'good','audiences':['other','api']}"));
        assertEquals("[\"api\"]", both.at("/status/audiences").toString());
        ObjectNode foreign = reviews.create(REVIEWER, review("{'token':'good','audiences':['vault']}"));
        assertEquals("{\"user\":{},\"error\":\"invalid bearer token\"}", foreign.get("status").toString(),
                "a token of this server is not a token for another audience");
        assertEquals(List.of("Bearer good", "Bearer good"), headers,
                "asked (an audience-aware authenticator may accept it), yet a static token is for the server's audiences only");
        ObjectNode none = reviews(List.of()).create(REVIEWER, review("{'token':'good'}"));
        assertTrue(none.at("/status/audiences").isMissingNode(), "without audiences on either side there are none to answer");
        assertEquals(true, none.at("/status/authenticated").asBoolean());
    }

    @Test
    void anEmptyTokenIsABadRequest() throws Exception {
        for (String spec : List.of("{}", "{'token':''}", "{'token':null}")) {
            StatusException e = assertThrows(StatusException.class, () -> reviews(TokenReviews.DEFAULT_API_AUDIENCES).create(REVIEWER, review(spec)));
            assertEquals(400, e.code());
            assertEquals("BadRequest", e.reason());
            assertEquals("token is required for TokenReview in authentication", e.getMessage());
        }
        assertEquals(List.of(), headers);
        StatusException namespaced = assertThrows(StatusException.class, () -> reviews(List.of())
                .create(new RequestContext("ns1", REVIEWER.user(), false, null), review("{'token':'good'}")));
        assertEquals("namespace is not allowed on this type: ns1", namespaced.getMessage());
    }

    @Test
    void aTokenTheHeaderCannotCarryIsNoCredential() throws Exception {
        // "Bearer  x": kube's bearertoken finds an empty token, so no authenticator accepts or rejects anything
        ObjectNode out = reviews(TokenReviews.DEFAULT_API_AUDIENCES).create(REVIEWER, review("{'token':' x'}"));
        assertEquals("{\"user\":{}}", out.get("status").toString());
        assertNull(TokenReviews.bearer("Bearer  x"));
        assertEquals("a", TokenReviews.bearer(" bearer a b "), "kube splits the header in three and takes the second part");
    }

    @Test
    void aDryRunAnswersTheSame() throws Exception {
        ObjectNode out = reviews(TokenReviews.DEFAULT_API_AUDIENCES).create(new RequestContext("", REVIEWER.user(), true, null),
                review("{'token':'good'}"));
        assertEquals(true, out.at("/status/authenticated").asBoolean());
    }

    @Test
    void anAudienceAwareAuthenticatorAnswersForTheAudiencesAskedFor() throws Exception {
        TokenReviews r = reviews(List.of("https://kubernetes.default.svc.cluster.local"));
        ObjectNode vault = r.create(REVIEWER, review("{'token':'sa-vault','audiences':['vault']}"));
        assertEquals("system:serviceaccount:ns:sa", vault.at("/status/user/username").asText());
        assertEquals("[\"vault\"]", vault.at("/status/audiences").toString());
        // the static token's "good" is for the API audiences only, as kube's audience-agnostic tokens are
        ObjectNode good = r.create(REVIEWER, review("{'token':'good','audiences':['vault']}"));
        assertEquals("invalid bearer token", good.at("/status/error").asText());
        assertTrue(good.at("/status/authenticated").isMissingNode());
        // the service account token asked for the API audiences (none named) is refused by its authenticator
        assertEquals("invalid bearer token", r.create(REVIEWER, review("{'token':'sa-vault'}")).at("/status/error").asText());
    }
}
