package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;

/** kube's RoleBinding and ClusterRoleBinding: defaulted API groups, a valid role reference that never changes, valid subjects. */
final class BindingStrategy implements Strategy {
    private final boolean namespaced;

    BindingStrategy(boolean namespaced) {
        this.namespaced = namespaced;
    }

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return Rbac.validateName(name, prefix);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        Rbac.defaultBinding(object);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        Rbac.binding(object, namespaced, causes);
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        Rbac.immutableRoleRef(object, old, causes);
        return causes;
    }

    @Override
    public TableConvertor table() {
        return Rbac.bindingPrinter();
    }
}
