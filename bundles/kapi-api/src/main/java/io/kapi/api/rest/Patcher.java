package io.kapi.api.rest;

/** Marker, as kube's {@code rest.Patcher}: patch is get + update with the patch applied in the transform. */
@org.osgi.annotation.versioning.ConsumerType
public interface Patcher extends Getter, Updater {
}
