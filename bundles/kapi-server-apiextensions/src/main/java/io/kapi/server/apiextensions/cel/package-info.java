/**
 * CustomResourceDefinition validation rules ({@code x-kubernetes-validations}) as kube's
 * apiextensions-apiserver 1.32 has them, on Google's CEL-Java (embedded in this bundle, private):
 * CEL types from the structural schema ({@link io.kapi.server.apiextensions.cel.SchemaTypes}), the
 * rule environment with kube's libraries ({@link io.kapi.server.apiextensions.cel.CelEnvironment}),
 * the checks of a CRD's rules ({@link io.kapi.server.apiextensions.cel.CrdRules}, with kube's static cost
 * estimate: {@link io.kapi.server.apiextensions.cel.CostEstimator}) and their evaluation
 * on custom resources ({@link io.kapi.server.apiextensions.cel.RuleValidator}). Not exported.
 */
package io.kapi.server.apiextensions.cel;
