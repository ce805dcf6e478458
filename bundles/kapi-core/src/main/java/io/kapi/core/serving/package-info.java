/**
 * The dynamic heart of Kapi: contributions recorded as immutable entries, one rebuild thread that
 * turns them into an immutable {@link io.kapi.core.serving.ServingSnapshot}, swapped atomically, and
 * the servlet that serves every request from the snapshot it read once.
 *
 * <p>Internal to kapi-core: not exported. Group bundles use kapi-api and kapi-machinery.
 */
package io.kapi.core.serving;
