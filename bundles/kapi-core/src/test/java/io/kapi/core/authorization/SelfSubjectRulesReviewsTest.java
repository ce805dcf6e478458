package io.kapi.core.authorization;

import static io.kapi.core.authorization.SubjectAccessReviewsTest.ctx;
import static io.kapi.core.authorization.SubjectAccessReviewsTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's SelfSubjectRulesReview: the caller's rules in spec.namespace, incomplete where an authorizer cannot list them. */
class SelfSubjectRulesReviewsTest {
    static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters"));
    final List<String> asked = new ArrayList<>();

    /** An authorizer that lists everything for system:masters, as kapi-security's admin authorizer does. */
    final class Admin implements Authorizer, RuleResolver {
        @Override
        public Decision authorize(UserInfo user, RequestInfo request) {
            return user.groups().contains("system:masters") ? Decision.ALLOW : Decision.NO_OPINION;
        }

        @Override
        public Rules rulesFor(UserInfo user, String namespace) {
            asked.add(user.name() + " in " + namespace);
            return user.groups().contains("system:masters")
                    ? new Rules(List.of(new ResourceRule(List.of("*"), List.of("*"), List.of("*"), List.of())),
                    List.of(new NonResourceRule(List.of("*"), List.of("*"))), false, "")
                    : Rules.NONE;
        }
    }

    @Test
    void theRulesOfTheCallerInTheNamespace() throws Exception {
        SelfSubjectRulesReviews reviews = new SelfSubjectRulesReviews(() -> List.of(new Admin()));
        ObjectNode out = reviews.create(ctx("", ADMIN), json("{'apiVersion':'authorization.k8s.io/v1','kind':'SelfSubjectRulesReview',"
                + "'metadata':{'creationTimestamp':null},'spec':{'namespace':'default'}}"));
        assertEquals(List.of("admin in default"), asked);
        // kube answers a new object: its spec is empty, its verbs always written, empty lists of the rules left out
        assertEquals(("{'kind':'SelfSubjectRulesReview','apiVersion':'authorization.k8s.io/v1','metadata':{'creationTimestamp':null},"
                + "'spec':{},'status':{'resourceRules':[{'verbs':['*'],'apiGroups':['*'],'resources':['*']}],"
                + "'nonResourceRules':[{'verbs':['*'],'nonResourceURLs':['*']}],'incomplete':false}}").replace('\'', '"'), out.toString());
        ObjectNode jane = reviews.create(ctx("", new UserInfo("jane", "", List.of())), json("{'spec':{'namespace':'default'}}"));
        assertEquals("{\"resourceRules\":[],\"nonResourceRules\":[],\"incomplete\":false}", jane.get("status").toString());
    }

    @Test
    void anAuthorizerThatCannotListItsRulesMakesTheAnswerIncomplete() throws Exception {
        Authorizer opaque = (user, info) -> Authorizer.Decision.NO_OPINION;
        SelfSubjectRulesReviews reviews = new SelfSubjectRulesReviews(() -> List.of(new Admin(), opaque));
        ObjectNode out = reviews.create(ctx("", ADMIN), json("{'spec':{'namespace':'default'}}"));
        assertEquals(1, out.at("/status/resourceRules").size(), "what could be listed is still answered");
        assertEquals(true, out.at("/status/incomplete").asBoolean());
        assertEquals("authorizer does not support user rule resolution", out.at("/status/evaluationError").asText());
    }

    @Test
    void aNamespaceIsRequired() throws Exception {
        SelfSubjectRulesReviews reviews = new SelfSubjectRulesReviews(() -> List.of(new Admin()));
        StatusException e = assertThrows(StatusException.class, () -> reviews.create(ctx("", ADMIN), json("{'spec':{}}")));
        assertEquals(400, e.code());
        assertEquals("BadRequest", e.reason());
        assertEquals("no namespace on request", e.getMessage());
        StatusException noUser = assertThrows(StatusException.class, () -> reviews.create(ctx("", null), json("{'spec':{'namespace':'a'}}")));
        assertEquals("no user present on request", noUser.getMessage());
    }
}
