package io.kapi.api.rest;

import java.util.Objects;

/**
 * The {@code scale} subresource of a resource, as kube's {@code ScaleREST}: it reads and writes an
 * {@code autoscaling/v1} {@code Scale} whose replicas are fields of the object. The paths are JSON
 * paths as a CustomResourceDefinition's {@code subresources.scale} names them ({@code .spec.replicas}).
 *
 * @param specReplicasPath the desired replicas, written by updates of the scale ({@code .spec.replicas})
 * @param statusReplicasPath the observed replicas ({@code .status.replicas}); absent reads as 0
 * @param labelSelectorPath where the Scale's {@code status.selector} comes from, or null: a string is
 *     taken as it is, a label selector object ({@code .spec.selector} of kube's workloads) is written
 *     in its string form
 */
public record ScaleSubresource(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {
    public ScaleSubresource {
        Objects.requireNonNull(specReplicasPath, "specReplicasPath");
        Objects.requireNonNull(statusReplicasPath, "statusReplicasPath");
        for (String path : new String[] {specReplicasPath, statusReplicasPath, labelSelectorPath}) {
            if (path != null && (!path.startsWith(".") || path.length() < 2 || path.contains("[") || path.endsWith("."))) {
                throw new IllegalArgumentException("a scale path is a JSON path of fields such as .spec.replicas: " + path);
            }
        }
    }

    /** kube's workloads: {@code .spec.replicas}, {@code .status.replicas} and {@code .spec.selector}. */
    public static ScaleSubresource replicas() {
        return new ScaleSubresource(".spec.replicas", ".status.replicas", ".spec.selector");
    }
}
