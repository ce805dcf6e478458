/**
 * The Declarative Services adapter that opens the embedded store from configuration and
 * registers it as the {@code Storage} service. Not exported.
 */
package io.kapi.storage.embedded.internal;
