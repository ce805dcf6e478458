package io.kapi.group.networking;

import io.kapi.testkit.StatusContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reset fields of the group's status strategies, which the endpoint's field manager ignores on a
 * server-side apply through /status: kube 1.32's GetResetFields (networking.k8s.io/v1), and a status write that
 * keeps the stored values of exactly those of spec, labels, annotations and owner references.
 */
class StatusResetFieldsTest {
    /** kube 1.32's GetResetFields of each status strategy, by version/resource. */
    private static final Map<String, List<List<String>>> KUBE = Map.of(
            "v1/ingresses", List.of(List.of("spec")));

    @Test
    void eachStatusStrategyStatesKubesResetFields() {
        StatusContract.assertResetFields(KUBE, new NetworkingGroupProvider());
    }

    @Test
    void aStatusWriteKeepsTheStoredValuesOfItsResetFields() {
        StatusContract.assertStatusWritesKeepTheirResetFields(new NetworkingGroupProvider());
    }
}
