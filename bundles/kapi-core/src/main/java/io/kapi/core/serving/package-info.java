/**
 * The dynamic heart of Kapi: contributions recorded as immutable entries, one rebuild thread that
 * turns them into an immutable {@link io.kapi.core.serving.ServingSnapshot}, swapped atomically, and
 * the servlet that serves every request from the snapshot it read once.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.serving;
