/** Karaf shell commands, scope {@code kapi}: each one small action printing a table from the runtime service. */
package io.kapi.shell;
