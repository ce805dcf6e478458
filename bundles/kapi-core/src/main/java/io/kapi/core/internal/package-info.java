/** Thin OSGi adapters: Declarative Services components that feed the plain {@code KapiServer}. */
package io.kapi.core.internal;
