/** The kube server: hosts every API group bundle that targets it (legacy {@code /api/v1} and {@code /apis/<group>}). */
package io.kapi.server.kube;
