package io.kapi.core.registry;

/** The identity of a served resource: group, version, plural, kind, scope. */
public record ResourceMeta(String group, String version, String resource, String kind, boolean namespaced) {

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    /** kube's storage layout: {@code /registry/<resource>/} for the core group, {@code /registry/<group>/<resource>/} otherwise. */
    public String keyPrefix() {
        return group.isEmpty() ? "/registry/" + resource + "/" : "/registry/" + group + "/" + resource + "/";
    }
}
