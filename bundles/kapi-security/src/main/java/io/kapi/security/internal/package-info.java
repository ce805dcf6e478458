/** The DS adapter: first-start bootstrap, Pax Web HTTPS configuration, and the security services. */
package io.kapi.security.internal;
