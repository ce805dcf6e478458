package io.kapi.api.rest;

/**
 * kube's {@code metav1.ListOptions}: every field is optional (null or 0 when absent).
 */
public record ListOptions(String labelSelector, String fieldSelector, long limit, String continueToken,
                          String resourceVersion, String resourceVersionMatch, boolean allowWatchBookmarks,
                          long timeoutSeconds, Boolean sendInitialEvents) {
    public static final ListOptions NONE = new ListOptions(null, null, 0, null, null, null, false, 0, null);
}
