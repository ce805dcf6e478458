/**
 * certificates.k8s.io/v1 as stored objects: certificate signing requests with kube's validation of their
 * PKCS#10 requests and issued certificates (on BouncyCastle), the requesting user recorded, the
 * {@code status} and {@code approval} subresources, and kube's printer. Neither signer nor approver runs.
 */
package io.kapi.group.certificates;
