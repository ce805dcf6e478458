/** kube's name, label and ObjectMeta validation, on objects in their JSON form, with kube's messages. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.kapi.machinery.validation;
