/**
 * autoscaling/v2 and autoscaling/v1 as stored objects: horizontal pod autoscalers with kube's defaults,
 * validation, status, v1 round-trip annotations and printer.
 */
package io.kapi.group.autoscaling;
