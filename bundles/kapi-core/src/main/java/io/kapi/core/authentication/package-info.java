/** The authentication review APIs the core serves from its authenticators. */
package io.kapi.core.authentication;
