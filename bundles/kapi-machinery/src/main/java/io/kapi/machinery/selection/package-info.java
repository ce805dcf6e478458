/** kube's label and field selectors, parsed into immutable, thread-safe values. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.kapi.machinery.selection;
