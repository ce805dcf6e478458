/** policy/v1 as stored objects: pod disruption budgets with kube's validation, status and printer. */
package io.kapi.group.policy;
