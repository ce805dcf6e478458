package io.kapi.api.rest;

import java.util.List;

/**
 * Published by a group bundle (kube's {@code RESTStorageProvider}): one API group, its versions and
 * resources. Service properties: {@value #SERVER} names the hosting server (default {@code kube});
 * {@code service.ranking} decides conflicts on a group/version/resource.
 *
 * <p>The provider must be immutable once published; to change, re-register.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface APIGroupProvider {
    String SERVER = "kapi.server";

    /** The group name; "" for the legacy core group served under {@code /api}. */
    String group();

    /** The versions, preferred first. */
    List<String> versions();

    /** Every resource of every version. */
    List<ResourceDefinition> resources();
}
