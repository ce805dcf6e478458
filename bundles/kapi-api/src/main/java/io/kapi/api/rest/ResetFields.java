package io.kapi.api.rest;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The fields a write strategy resets, as kube's {@code GetResetFields}: the endpoint's field manager
 * neither gives them to the writer nor lets them conflict (SMD's ignored fields), and the strategy then
 * puts the stored values back. A {@link StatusStrategy} that implements it is applied as kube applies
 * through {@code /status}: the whole applied configuration is merged into the stored object, the
 * applier owns what it set outside these fields (metadata labels and annotations, for most kinds),
 * and {@link StatusStrategy#prepareForUpdate} makes the result the object to store. A status strategy
 * that does not implement it is applied with only {@code status} (and the object's name) taken from
 * the configuration.
 */
@ConsumerType
public interface ResetFields {

    /**
     * The reset fields, each a path of field names from the object's root ({@code ["spec"]},
     * {@code ["metadata", "labels"]}); a path covers everything below it. The same fields in every
     * version of the kind.
     */
    List<List<String>> resetFields();
}
