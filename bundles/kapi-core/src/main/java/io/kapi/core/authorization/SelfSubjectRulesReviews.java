package io.kapi.core.authorization;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RuleResolver;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube's SelfSubjectRulesReview ({@code kubectl auth can-i --list},
 * {@code pkg/registry/authorization/selfsubjectrulesreview}): what the requesting user may do in
 * {@code spec.namespace}, as the authorizers can enumerate it ({@link AuthorizerUnion#rulesFor}); an
 * authorizer that cannot makes the answer {@code incomplete} with an {@code evaluationError}.
 * Create-only, nothing is stored, so a dry run answers the same.
 */
public final class SelfSubjectRulesReviews implements Creater {
    static final String KIND = "SelfSubjectRulesReview";
    private final Supplier<List<Authorizer>> authorizers;

    public SelfSubjectRulesReviews(Supplier<List<Authorizer>> authorizers) {
        this.authorizers = authorizers;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode review) {
        if (ctx.user() == null) {
            throw StatusException.badRequest("no user present on request");
        }
        String namespace = Json.text(review.get("spec"), "namespace");
        if (namespace.isEmpty()) {
            throw StatusException.badRequest("no namespace on request");
        }
        RuleResolver.Rules rules = AuthorizerUnion.rulesFor(authorizers.get(), ctx.user(), namespace);
        // kube answers a new review: empty metadata and spec, the rules in its status
        ObjectNode out = Json.object();
        out.put("kind", KIND);
        out.put("apiVersion", AccessReviews.API_VERSION);
        out.putObject("metadata").putNull("creationTimestamp");
        out.putObject("spec");
        ObjectNode status = out.putObject("status");
        ArrayNode resourceRules = status.putArray("resourceRules");
        for (RuleResolver.ResourceRule r : rules.resourceRules()) {
            ObjectNode rule = resourceRules.addObject();
            strings(rule, "verbs", r.verbs(), true);
            strings(rule, "apiGroups", r.apiGroups(), false);
            strings(rule, "resources", r.resources(), false);
            strings(rule, "resourceNames", r.resourceNames(), false);
        }
        ArrayNode nonResourceRules = status.putArray("nonResourceRules");
        for (RuleResolver.NonResourceRule r : rules.nonResourceRules()) {
            ObjectNode rule = nonResourceRules.addObject();
            strings(rule, "verbs", r.verbs(), true);
            strings(rule, "nonResourceURLs", r.nonResourceURLs(), false);
        }
        status.put("incomplete", rules.incomplete());
        if (!rules.evaluationError().isEmpty()) {
            status.put("evaluationError", rules.evaluationError());
        }
        return out;
    }

    /** A list of the rule; {@code verbs} has no omitempty in kube's type, the others have. */
    private static void strings(ObjectNode rule, String name, List<String> values, boolean always) {
        if (values.isEmpty() && !always) {
            return;
        }
        ArrayNode a = rule.putArray(name);
        values.forEach(a::add);
    }
}
