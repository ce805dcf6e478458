/** Discovery documents: legacy ({@code /api}, {@code /apis}, group and group-version lists) and aggregated v2. */
package io.kapi.core.discovery;
