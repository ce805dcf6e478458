package io.kapi.core.registry;

import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kube's checks of the combinations of {@code resourceVersion}, {@code resourceVersionMatch},
 * {@code continue} and {@code sendInitialEvents} (k8s.io/apimachinery's
 * {@code metainternalversion/validation}: {@code ValidateListOptions} and, for watches,
 * {@code validateWatchOptions} with the WatchList feature on), answered as kube's handlers answer
 * them: 422 Invalid for kind {@code ListOptions.meta.k8s.io}, every violated rule a cause.
 */
final class ListOptionsValidation {
    static final String EXACT = "Exact";
    static final String NOT_OLDER_THAN = "NotOlderThan";
    private static final String MATCH = "resourceVersionMatch";

    private ListOptionsValidation() {
    }

    /** Throws 422 Invalid when {@code options} combine parameters kube refuses for a list ({@code watch} false) or a watch. */
    static void check(ListOptions options, boolean watch) {
        List<FieldCause> causes = watch ? watchCauses(options) : listCauses(options);
        if (!causes.isEmpty()) {
            throw StatusException.invalid("meta.k8s.io", "ListOptions", "", causes);
        }
    }

    static List<FieldCause> listCauses(ListOptions o) {
        List<FieldCause> causes = new ArrayList<>();
        String match = o.resourceVersionMatch();
        if (present(match)) {
            if (!present(o.resourceVersion())) {
                causes.add(FieldCause.forbidden(MATCH, "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            if (present(o.continueToken())) {
                causes.add(FieldCause.forbidden(MATCH, "resourceVersionMatch is forbidden when continue is provided"));
            }
            if (!EXACT.equals(match) && !NOT_OLDER_THAN.equals(match)) {
                causes.add(notSupported(MATCH, match, List.of(EXACT, NOT_OLDER_THAN, "")));
            }
            if (EXACT.equals(match) && "0".equals(o.resourceVersion())) {
                causes.add(FieldCause.forbidden(MATCH, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }
        if (o.sendInitialEvents() != null) {
            causes.add(FieldCause.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
        }
        return causes;
    }

    static List<FieldCause> watchCauses(ListOptions o) {
        List<FieldCause> causes = new ArrayList<>();
        String match = o.resourceVersionMatch();
        if (o.sendInitialEvents() != null && !NOT_OLDER_THAN.equals(match)) {
            causes.add(FieldCause.forbidden(MATCH, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }
        if (present(match)) {
            if (o.sendInitialEvents() == null) {
                causes.add(FieldCause.forbidden(MATCH, "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }
            if (!NOT_OLDER_THAN.equals(match)) {
                causes.add(notSupported(MATCH, match, List.of(NOT_OLDER_THAN)));
            }
            if (present(o.continueToken())) {
                causes.add(FieldCause.forbidden(MATCH, "resourceVersionMatch is forbidden when continue is provided"));
            }
        }
        return causes;
    }

    /** kube's {@code field.NotSupported}: {@code Unsupported value: "x": supported values: "a", "b"}. */
    private static FieldCause notSupported(String field, String value, List<String> supported) {
        return new FieldCause("FieldValueNotSupported", "Unsupported value: \"" + value + "\": supported values: "
                + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")), field);
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }
}
