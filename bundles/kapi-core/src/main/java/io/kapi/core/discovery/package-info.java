/** Discovery documents: legacy ({@code /api}, {@code /apis}, group and group-version lists) and aggregated v2. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.discovery;
