package io.kapi.group.core;

import io.kapi.testkit.StatusContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reset fields of the group's status strategies, which the endpoint's field manager ignores on a
 * server-side apply through /status: kube 1.32's GetResetFields (v1), and a status write that
 * keeps the stored values of exactly those of spec, labels, annotations and owner references.
 */
class StatusResetFieldsTest {
    /** kube 1.32's GetResetFields of each status strategy, by version/resource. */
    private static final Map<String, List<List<String>>> KUBE = Map.of(
            "v1/namespaces", List.of(List.of("spec")),
            "v1/pods", List.of(List.of("spec"), List.of("metadata", "deletionTimestamp"), List.of("metadata", "ownerReferences")),
            "v1/persistentvolumeclaims", List.of(List.of("spec")),
            "v1/persistentvolumes", List.of(List.of("spec")),
            "v1/replicationcontrollers", List.of(List.of("spec")),
            "v1/resourcequotas", List.of(List.of("spec")),
            "v1/nodes", List.of(List.of("spec")),
            "v1/services", List.of(List.of("spec")));

    @Test
    void eachStatusStrategyStatesKubesResetFields() {
        StatusContract.assertResetFields(KUBE, new CoreGroupProvider());
    }

    @Test
    void aStatusWriteKeepsTheStoredValuesOfItsResetFields() {
        StatusContract.assertStatusWritesKeepTheirResetFields(new CoreGroupProvider());
    }
}
