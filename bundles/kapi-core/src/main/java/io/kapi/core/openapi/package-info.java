/** OpenAPI v3 documents ({@code /openapi/v3} and per group-version), built once per snapshot. */
package io.kapi.core.openapi;
