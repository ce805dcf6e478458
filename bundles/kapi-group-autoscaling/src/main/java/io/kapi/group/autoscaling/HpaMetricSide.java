package io.kapi.group.autoscaling;

/**
 * Which side of a metric a conversion handles: a spec's metric source ({@code MetricSpec}, values under
 * {@code target}) or a status's current metric ({@code MetricStatus}, values under {@code current}).
 * Their types differ in kube only where these fields say.
 */
enum HpaMetricSide {
    SPEC("target", true, "describedObject", "target", "metric"),
    STATUS("current", false, "metric", "current", "describedObject");

    /**
     * The internal version's field of the values ({@code MetricTarget} or {@code MetricValueStatus}),
     * which is also the prefix of v1's value fields ({@code targetAverageValue}, {@code currentAverageValue} ...).
     */
    final String values;
    /**
     * Whether v1 holds a resource metric's average value and an external metric's value as a
     * {@code *resource.Quantity}, absent when unset (the spec's {@code ResourceMetricSource} and
     * {@code ExternalMetricSource}), rather than a {@code resource.Quantity}, the zero value when unset
     * (the status's {@code ResourceMetricStatus} and {@code ExternalMetricStatus}).
     */
    final boolean optionalValues;
    /** The field order of the internal version's {@code ObjectMetricSource} or {@code ObjectMetricStatus}. */
    final String[] objectFields;

    HpaMetricSide(String values, boolean optionalValues, String... objectFields) {
        this.values = values;
        this.optionalValues = optionalValues;
        this.objectFields = objectFields;
    }

    /** Whether the values have a {@code type}: a {@code MetricTarget} has one, a {@code MetricValueStatus} not. */
    boolean typed() {
        return this == SPEC;
    }
}
