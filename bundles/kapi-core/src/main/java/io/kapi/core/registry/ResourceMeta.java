package io.kapi.core.registry;

/**
 * The identity of a served resource: group, version, plural, kind, scope, and where its objects are
 * stored ({@code storedPrefix}: null for its own key prefix; another resource's for one whose objects
 * are that resource's, as events.k8s.io's Events are core/v1's).
 */
public record ResourceMeta(String group, String version, String resource, String kind, boolean namespaced,
                           String storedPrefix) {

    public ResourceMeta(String group, String version, String resource, String kind, boolean namespaced) {
        this(group, version, resource, kind, namespaced, null);
    }

    /** kube's storage layout for a resource of {@code group}. */
    public static String keyPrefix(String group, String resource) {
        return group.isEmpty() ? "/registry/" + resource + "/" : "/registry/" + group + "/" + resource + "/";
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    /** kube's storage layout: {@code /registry/<resource>/} for the core group, {@code /registry/<group>/<resource>/} otherwise. */
    public String keyPrefix() {
        return storedPrefix != null ? storedPrefix : keyPrefix(group, resource);
    }
}
