package io.kapi.core.authentication;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.UserInfo;
import io.kapi.core.json.Json;

/**
 * kube's SelfSubjectReview (authentication.k8s.io/v1, {@code kubectl auth whoami}): the user the
 * authenticators made of the request, with kube's {@code system:authenticated} group for anyone
 * authenticated. Create-only, nothing is stored. Served in {@link AuthenticationReviews}.
 */
public final class SelfSubjectReviews implements Creater {
    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode review) {
        UserInfo user = ctx.user() == null ? UserInfo.ANONYMOUS : ctx.user();
        ObjectNode out = Json.object();
        out.put("kind", "SelfSubjectReview");
        out.put("apiVersion", "authentication.k8s.io/v1");
        out.putObject("metadata").put("creationTimestamp", Json.now());
        ObjectNode info = out.putObject("status").putObject("userInfo");
        info.put("username", user.name());
        if (user.uid() != null && !user.uid().isEmpty()) {
            info.put("uid", user.uid());
        }
        ArrayNode groups = info.putArray("groups");
        user.groups().forEach(groups::add);
        if (!user.name().equals(UserInfo.ANONYMOUS.name()) && !user.groups().contains("system:authenticated")
                && !user.groups().contains("system:unauthenticated")) {
            groups.add("system:authenticated");
        }
        if (!user.extra().isEmpty()) {
            ObjectNode extra = info.putObject("extra");
            user.extra().forEach((key, values) -> {
                ArrayNode list = extra.putArray(key);
                values.forEach(list::add);
            });
        }
        return out;
    }
}
