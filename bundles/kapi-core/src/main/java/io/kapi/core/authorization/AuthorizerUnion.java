package io.kapi.core.authorization;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The authorizers in ranking order as one, as kube's {@code union} authorizer and rule resolver: the one
 * decision code the authorization filter and the access review APIs share. Stateless.
 */
public final class AuthorizerUnion {
    /** What an authorizer that cannot list its rules makes of a SelfSubjectRulesReview (kube's webhook says so). */
    static final String NO_RULE_RESOLUTION = "authorizer does not support user rule resolution";

    private AuthorizerUnion() {
    }

    /**
     * A decision of the chain.
     *
     * @param decision ALLOW or DENY of the first authorizer to have an opinion; NO_OPINION when none has one
     * @param reason the reason of the authorizer that decided; for NO_OPINION, every authorizer's reason, one a
     *     line, as kube's union joins them ("" for none)
     * @param evaluationError for NO_OPINION, the errors of the authorizers that failed, as kube aggregates
     *     them ("" for none)
     * @param failure the first of those failures, or null
     */
    public record Result(Authorizer.Decision decision, String reason, String evaluationError, RuntimeException failure) {
        public boolean allowed() {
            return decision == Authorizer.Decision.ALLOW;
        }
    }

    /**
     * kube's {@code unionAuthzHandler.Authorize}: the first ALLOW or DENY decides, with its reason; an authorizer
     * that fails is skipped (as kube skips one that answers NoOpinion with an error) and its error kept.
     */
    public static Result authorize(List<Authorizer> authorizers, UserInfo user, RequestInfo request) {
        List<String> errors = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        RuntimeException first = null;
        for (Authorizer a : authorizers) {
            Authorizer.Verdict v;
            try {
                v = a.decide(user, request);
            } catch (RuntimeException e) {
                errors.add(message(e));
                first = first == null ? e : first;
                continue;
            }
            if (v.decision() == Authorizer.Decision.ALLOW || v.decision() == Authorizer.Decision.DENY) {
                return new Result(v.decision(), v.reason(), "", null);
            }
            if (!v.reason().isEmpty()) {
                reasons.add(v.reason());
            }
        }
        return new Result(Authorizer.Decision.NO_OPINION, String.join("\n", reasons), aggregate(errors), first);
    }

    /**
     * kube's {@code unionAuthzRulesHandler.RulesFor}: every authorizer's rules in order; incomplete when one
     * is, or when an authorizer cannot list its rules (no {@link RuleResolver}), with the errors aggregated.
     */
    public static RuleResolver.Rules rulesFor(List<Authorizer> authorizers, UserInfo user, String namespace) {
        List<RuleResolver.ResourceRule> resourceRules = new ArrayList<>();
        List<RuleResolver.NonResourceRule> nonResourceRules = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean incomplete = false;
        for (Authorizer a : authorizers) {
            if (!(a instanceof RuleResolver resolver)) {
                incomplete = true;
                errors.add(NO_RULE_RESOLUTION);
                continue;
            }
            RuleResolver.Rules rules;
            try {
                rules = resolver.rulesFor(user, namespace);
            } catch (RuntimeException e) {
                incomplete = true;
                errors.add(message(e));
                continue;
            }
            if (rules == null) {
                continue;
            }
            resourceRules.addAll(rules.resourceRules());
            nonResourceRules.addAll(rules.nonResourceRules());
            incomplete |= rules.incomplete();
            if (!rules.evaluationError().isEmpty()) {
                errors.add(rules.evaluationError());
            }
        }
        return new RuleResolver.Rules(resourceRules, nonResourceRules, incomplete, aggregate(errors));
    }

    /** Go's {@code utilerrors.NewAggregate(errs).Error()}: one message as is, several distinct ones as {@code [a, b]}. */
    static String aggregate(List<String> messages) {
        Set<String> distinct = new LinkedHashSet<>(messages);
        if (distinct.isEmpty()) {
            return "";
        }
        if (messages.size() == 1 || distinct.size() == 1) {
            return distinct.iterator().next();
        }
        return "[" + String.join(", ", distinct) + "]";
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }
}
