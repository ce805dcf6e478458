package io.kapi.machinery.validation;

import java.util.List;

/**
 * kube's {@code ValidateNameFunc}: checks a name, or with {@code prefix} a generateName prefix, and
 * returns kube's messages (empty when valid). The constants are the ones kube's types use.
 */
@FunctionalInterface
public interface NameValidator {
    List<String> validate(String name, boolean prefix);

    /** ConfigMaps, Secrets and most resources ({@code NameIsDNSSubdomain}). */
    NameValidator DNS1123_SUBDOMAIN = (name, prefix) -> NameValidation.isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

    /** Namespaces ({@code NameIsDNSLabel}, kube's {@code ValidateNamespaceName}). */
    NameValidator DNS1123_LABEL = (name, prefix) -> NameValidation.isDNS1123Label(prefix ? maskTrailingDash(name) : name);

    /** Services ({@code NameIsDNS1035Label}). */
    NameValidator DNS1035_LABEL = (name, prefix) -> NameValidation.isDNS1035Label(prefix ? maskTrailingDash(name) : name);

    /** Resources whose names only have to be one URL path segment, e.g. RBAC roles ({@code ValidatePathSegmentName}). */
    NameValidator PATH_SEGMENT_NAME = (name, prefix) -> prefix ? NameValidation.isPathSegmentPrefix(name) : NameValidation.isPathSegmentName(name);

    /**
     * A generateName prefix may end in '-' (a suffix follows), so kube swaps the last two characters
     * for "a" before checking it: a name-ish prefix then passes.
     */
    static String maskTrailingDash(String name) {
        return name.length() > 1 && name.endsWith("-") ? name.substring(0, name.length() - 2) + "a" : name;
    }
}
