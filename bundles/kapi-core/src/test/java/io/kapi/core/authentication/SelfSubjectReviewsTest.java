package io.kapi.core.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's SelfSubjectReview: the requesting user, system:authenticated added for anyone authenticated. */
class SelfSubjectReviewsTest {
    @Test
    void theReviewAnswersWhoTheRequestIs() {
        SelfSubjectReviews reviews = new SelfSubjectReviews();
        ObjectNode admin = reviews.create(new RequestContext("", new UserInfo("admin", "u-1", List.of("system:masters")), false, null),
                Json.object());
        assertEquals("SelfSubjectReview", admin.path("kind").asText());
        assertEquals("{\"username\":\"admin\",\"uid\":\"u-1\",\"groups\":[\"system:masters\",\"system:authenticated\"]}",
                admin.at("/status/userInfo").toString());
        assertFalse(admin.at("/metadata/creationTimestamp").asText().isEmpty());
        ObjectNode anonymous = reviews.create(new RequestContext("", UserInfo.ANONYMOUS, false, null), Json.object());
        assertEquals("{\"username\":\"system:anonymous\",\"groups\":[\"system:unauthenticated\"]}", anonymous.at("/status/userInfo").toString());
    }
}
