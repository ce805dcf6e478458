package io.kapi.api.server;

import io.kapi.api.rest.UserInfo;
import java.util.List;

/**
 * Lists what a user may do in a namespace (kube's {@code authorizer.RuleResolver}): the answer of a
 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}). An {@link Authorizer} service that can
 * enumerate its decisions implements this interface too; the core asks each authorizer that does, in
 * ranking order, and concatenates their rules. An authorizer that does not makes the answer
 * {@code incomplete}, as kube's webhook authorizer does.
 *
 * <p>Called on request threads: implementations must be thread-safe, fast and must not block. An
 * implementation reports a failure in {@link Rules#evaluationError()} rather than throwing.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface RuleResolver {

    /** The rules that apply to {@code user} in {@code namespace}, cluster-wide rules included; never null. */
    Rules rulesFor(UserInfo user, String namespace);

    /**
     * kube's {@code SubjectRulesReviewStatus}.
     *
     * @param resourceRules what the user may do to resources
     * @param nonResourceRules what the user may do to non-resource paths
     * @param incomplete whether the rules may leave out things the authorizer would allow
     * @param evaluationError why the rules are incomplete, "" when they are not
     */
    record Rules(List<ResourceRule> resourceRules, List<NonResourceRule> nonResourceRules, boolean incomplete,
                 String evaluationError) {
        /** No rules, complete: the authorizer allows the user nothing. */
        public static final Rules NONE = new Rules(List.of(), List.of(), false, "");

        public Rules {
            resourceRules = resourceRules == null ? List.of() : List.copyOf(resourceRules);
            nonResourceRules = nonResourceRules == null ? List.of() : List.copyOf(nonResourceRules);
            evaluationError = evaluationError == null ? "" : evaluationError;
        }
    }

    /** kube's {@code ResourceRule}: {@code "*"} means all; empty resource names means all names. */
    record ResourceRule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames) {
        public ResourceRule {
            verbs = verbs == null ? List.of() : List.copyOf(verbs);
            apiGroups = apiGroups == null ? List.of() : List.copyOf(apiGroups);
            resources = resources == null ? List.of() : List.copyOf(resources);
            resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
        }
    }

    /** kube's {@code NonResourceRule}: verbs on paths ({@code "*"}, or a prefix ending in {@code "*"}). */
    record NonResourceRule(List<String> verbs, List<String> nonResourceURLs) {
        public NonResourceRule {
            verbs = verbs == null ? List.of() : List.copyOf(verbs);
            nonResourceURLs = nonResourceURLs == null ? List.of() : List.copyOf(nonResourceURLs);
        }
    }
}
