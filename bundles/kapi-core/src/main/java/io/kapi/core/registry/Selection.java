package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.core.json.Json;
import io.kapi.machinery.selection.FieldSelector;
import io.kapi.machinery.selection.LabelSelector;

/** Which objects a list or watch selects: its label and field selectors (kube's SelectionPredicate). */
final class Selection {
    final LabelSelector labels;
    final FieldSelector fields;
    private final SelectableFields selectable;

    /** The selectors of {@code options}; 400 for a field the resource cannot be selected by. */
    Selection(ListOptions options, SelectableFields selectable) {
        this.labels = LabelSelector.parse(options.labelSelector() == null ? "" : options.labelSelector());
        this.fields = FieldSelector.parse(options.fieldSelector() == null ? "" : options.fieldSelector());
        this.selectable = selectable;
        for (String field : fields.fields()) {
            selectable.checkSupported(field);
        }
    }

    boolean everything() {
        return labels.isEmpty() && fields.isEmpty();
    }

    boolean matches(ObjectNode obj) {
        if (!labels.isEmpty() && !labels.matches(Json.labels(obj))) {
            return false;
        }
        return fields.isEmpty() || fields.matches(selectable.of(obj));
    }
}
