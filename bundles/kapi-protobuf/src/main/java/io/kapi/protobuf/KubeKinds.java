package io.kapi.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The message of each {@code apiVersion}/{@code kind} kube serves as protobuf: the kinds of every API group's
 * file, and metav1's for the kinds kube registers outside any one group.
 *
 * <p>Immutable after construction and safe to share between threads.
 */
final class KubeKinds {
    /**
     * The generated files of client-java-proto that hold API groups. The jar has no index of its
     * files, and scanning a bundle's entries would tie this class to the OSGi framework, so the
     * outer classes are named here; everything else (group, version, kinds) comes from their
     * descriptors.
     */
    private static final List<FileDescriptor> CLIENT_JAVA_PROTO_GROUP_FILES = List.of(
            io.kubernetes.client.proto.V1.getDescriptor(),
            io.kubernetes.client.proto.V1Admission.getDescriptor(),
            io.kubernetes.client.proto.V1Admissionregistration.getDescriptor(),
            io.kubernetes.client.proto.V1Apiextensions.getDescriptor(),
            io.kubernetes.client.proto.V1Apps.getDescriptor(),
            io.kubernetes.client.proto.V1Authentication.getDescriptor(),
            io.kubernetes.client.proto.V1Authorization.getDescriptor(),
            io.kubernetes.client.proto.V1Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V1Batch.getDescriptor(),
            io.kubernetes.client.proto.V1Certificates.getDescriptor(),
            io.kubernetes.client.proto.V1Networking.getDescriptor(),
            io.kubernetes.client.proto.V1Policy.getDescriptor(),
            io.kubernetes.client.proto.V1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1Scheduling.getDescriptor(),
            io.kubernetes.client.proto.V1Storage.getDescriptor(),
            io.kubernetes.client.proto.V1alpha1Imagepolicy.getDescriptor(),
            io.kubernetes.client.proto.V1alpha1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1alpha1Scheduling.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Admission.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Admissionregistration.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Apiextensions.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Apps.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Authentication.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Authorization.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Batch.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Certificates.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Extensions.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Policy.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1beta1Storage.getDescriptor(),
            io.kubernetes.client.proto.V1beta2Apps.getDescriptor(),
            io.kubernetes.client.proto.V2Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V2beta1Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V2beta2Autoscaling.getDescriptor());

    /** client-java-proto's apimachinery files, which the group files import. */
    private static final List<FileDescriptor> MACHINERY_FILES = List.of(
            Meta.getDescriptor(), Runtime.getDescriptor(), io.kubernetes.client.proto.RuntimeSchema.getDescriptor(),
            io.kubernetes.client.proto.Resource.getDescriptor(), io.kubernetes.client.proto.IntStr.getDescriptor());

    /**
     * Every group's file: client-java-proto's, then those it lacks (coordination.k8s.io/v1,
     * discovery.k8s.io/v1, events.k8s.io/v1, node.k8s.io/v1), built from kube's own .proto files by
     * {@link KubeGroupFiles} and linked to client-java-proto's messages for the types they import.
     */
    private static final List<FileDescriptor> GROUP_FILES = groupFiles();

    private static List<FileDescriptor> groupFiles() {
        List<FileDescriptor> provided = new java.util.ArrayList<>(CLIENT_JAVA_PROTO_GROUP_FILES);
        provided.addAll(MACHINERY_FILES);
        List<FileDescriptor> all = new java.util.ArrayList<>(CLIENT_JAVA_PROTO_GROUP_FILES);
        all.addAll(KubeGroupFiles.load(provided));
        return List.copyOf(all);
    }

    /**
     * Proto package segments whose API group is not {@code <segment>.k8s.io}: the legacy groups
     * kube named without a suffix, the core group, and groups with a longer name. Proto files do
     * not carry the group name (it lives in Go's {@code +groupName} tag), so this cannot be derived.
     */
    private static final Map<String, String> GROUP_EXCEPTIONS = Map.of(
            "core", "", "apps", "apps", "batch", "batch", "autoscaling", "autoscaling", "policy", "policy",
            "extensions", "extensions", "rbac", "rbac.authorization.k8s.io",
            "flowcontrol", "flowcontrol.apiserver.k8s.io", "apiserverinternal", "internal.apiserver.k8s.io");

    /** metav1's {@code AddUnversionedTypes(Unversioned, ...)}: these always travel as {@code v1}. */
    private static final Set<String> UNVERSIONED_KINDS =
            Set.of("Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList");
    /** metav1's {@code AddToGroupVersion}: registered in every group version kube serves. */
    private static final Set<String> EVERY_GROUP_KINDS = Set.of(
            "WatchEvent", "ListOptions", "GetOptions", "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions");
    /** metav1's own {@code meta.k8s.io/v1} kinds that have a message (Table has none, as in kube). */
    private static final Set<String> META_GROUP_KINDS =
            Set.of("PartialObjectMetadata", "PartialObjectMetadataList", "TableOptions");

    /** {@code apiVersion/kind} to message, for the kinds of the API groups. */
    private final Map<String, Descriptor> kinds;
    /** metav1 messages by kind, for the kinds kube registers outside any one group. */
    private final Map<String, Descriptor> metaKinds;

    KubeKinds() {
        Map<String, Descriptor> byKind = new HashMap<>();
        for (FileDescriptor file : GROUP_FILES) {
            String apiVersion = apiVersionOf(file.getPackage());
            for (Descriptor d : file.getMessageTypes()) {
                byKind.putIfAbsent(apiVersion + "/" + d.getName(), d);
            }
        }
        Map<String, Descriptor> meta = new HashMap<>();
        for (Descriptor d : Meta.getDescriptor().getMessageTypes()) {
            meta.put(d.getName(), d);
        }
        this.kinds = Map.copyOf(byKind);
        this.metaKinds = Map.copyOf(meta);
    }

    /**
     * {@code k8s.io.api.core.v1} → {@code v1}; {@code k8s.io.api.authorization.v1} →
     * {@code authorization.k8s.io/v1}; {@code k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1}
     * → {@code apiextensions.k8s.io/v1}: the group is the segment before the version.
     */
    static String apiVersionOf(String protoPackage) {
        String[] p = protoPackage.split("\\.");
        String version = p[p.length - 1];
        String segment = p[p.length - 2];
        String group = GROUP_EXCEPTIONS.getOrDefault(segment, segment + ".k8s.io");
        return group.isEmpty() ? version : group + "/" + version;
    }

    Descriptor descriptor(String apiVersion, String kind) {
        Descriptor d = kinds.get(apiVersion + "/" + kind);
        if (d != null) {
            return d;
        }
        if (apiVersion.equals("v1") && UNVERSIONED_KINDS.contains(kind)
                || apiVersion.equals("meta.k8s.io/v1") && META_GROUP_KINDS.contains(kind)
                || !apiVersion.isEmpty() && EVERY_GROUP_KINDS.contains(kind)) {
            return metaKinds.get(kind);
        }
        return null;
    }

    /** metav1's message of the kind, in whichever group version it comes. */
    Descriptor metaKind(String kind) {
        return metaKinds.get(kind);
    }
}
