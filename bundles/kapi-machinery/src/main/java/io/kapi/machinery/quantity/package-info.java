/**
 * kube's {@code resource.Quantity} ({@code k8s.io/apimachinery/pkg/api/resource}): parsed with kube's
 * grammar, errors and rounding, compared exactly, printed in kube's canonical form, and as Go's
 * {@code %#v} prints it in kube's field errors. Immutable, thread-safe values.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.machinery.quantity;
