/**
 * kube's protobuf wire format ({@code application/vnd.kubernetes.protobuf}): the {@code k8s\0}
 * magic and {@code runtime.Unknown} envelope around the object's message, converted to and from
 * the object's JSON form through the descriptors of {@code io.kubernetes:client-java-proto} and of
 * kube's own .proto files for the groups it lacks (Lease, EndpointSlice, events.k8s.io Event,
 * RuntimeClass).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.protobuf;
