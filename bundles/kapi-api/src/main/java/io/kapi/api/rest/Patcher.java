package io.kapi.api.rest;

/** Marker, as kube's {@code rest.Patcher}: patch is get + update with the patch applied in the transform. */
public interface Patcher extends Getter, Updater {
}
