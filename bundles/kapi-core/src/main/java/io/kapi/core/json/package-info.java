/** Shared JSON/YAML mapping and small helpers on kube objects in their JSON form. */
package io.kapi.core.json;
