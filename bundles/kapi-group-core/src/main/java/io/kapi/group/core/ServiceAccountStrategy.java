package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.List;

/** kube's serviceaccount strategy: generic, with the SECRETS column. */
final class ServiceAccountStrategy implements Strategy {
    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
                        o -> o.path("secrets").size())
                .age().build();
    }
}
