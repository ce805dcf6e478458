/**
 * kube's pod spec semantics on the JSON form, for every group whose objects carry pods or pod
 * templates (core/v1, apps/v1, batch/v1): defaulting as {@code pkg/apis/core/v1/defaults.go} and the
 * validation of {@code pkg/apis/core/validation} with kube's field paths and messages, and Go's
 * rendering of the values kube's messages print.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.machinery.pods;
