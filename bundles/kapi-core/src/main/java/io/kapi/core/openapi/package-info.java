/** OpenAPI v3 documents ({@code /openapi/v3} and per group-version), built once per snapshot. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kapi.core.openapi;
