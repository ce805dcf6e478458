/**
 * batch/v1 as stored objects: jobs and cronjobs with kube's defaults (a Job's generated selector and
 * labels), validation (restart policy, immutable template, cron schedules as robfig/cron parses them),
 * status subresources and printers. No controller runs them.
 */
package io.kapi.group.batch;
