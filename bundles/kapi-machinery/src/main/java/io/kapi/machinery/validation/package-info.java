/** kube's apimachinery validation, on objects in their JSON form. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.machinery.validation;
