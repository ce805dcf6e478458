/**
 * The DS adapter: {@link io.kapi.security.internal.OSGiSecurityBootstrap} creates the PKI, the token
 * file and the admin kubeconfig under {@code <karaf.etc>/kapi}, configures Pax Web for HTTPS, and
 * publishes the authenticators ({@code kapi.authenticator=x509}, ranking 200; {@code =token}, 100)
 * and the authorizer ({@code kapi.authorizer=admin}, ranking 1000).
 *
 * <h2>Pax Web configuration (PID {@code org.ops4j.pax.web})</h2>
 * Property names from {@code org.ops4j.pax.web.service.PaxWebConfig} (pax-web-api, web-8.0.x), their
 * effect from {@code JettyFactory#createSecureConnector} and {@code JettyServerWrapper}:
 * <ul>
 * <li>{@code org.osgi.service.http.enabled=false}: no plain HTTP connector. Pax Web has one
 *     {@code listening.addresses} list for both connectors, so plain HTTP could not be kept on
 *     127.0.0.1 while HTTPS listens on every interface; kube-apiserver has no insecure port either.</li>
 * <li>{@code org.osgi.service.http.secure.enabled=true}, {@code org.osgi.service.http.port.secure=<securePort>}
 *     (6443), {@code org.ops4j.pax.web.listening.addresses=<bindAddress>} (0.0.0.0).</li>
 * <li>{@code org.ops4j.pax.web.ssl.keystore=<etc>/kapi/pki/serving.p12}, {@code ...ssl.keystore.type=PKCS12}
 *     (Pax Web's default is JKS), {@code ...ssl.keystore.password} and {@code ...ssl.key.password} (the
 *     generated password; both, because Jetty opens the store and then the key entry),
 *     {@code ...ssl.key.alias=kapi-serving}.</li>
 * <li>{@code org.ops4j.pax.web.ssl.truststore=<etc>/kapi/pki/ca-truststore.p12}, {@code ...ssl.truststore.type=PKCS12},
 *     {@code ...ssl.truststore.password}: the CA, so that Jetty asks for and checks client certificates
 *     of this CA (the authenticator checks them again).</li>
 * <li>{@code org.ops4j.pax.web.ssl.clientauth.wanted=true}, {@code ...ssl.clientauth.needed=false}: a
 *     client certificate is requested but not required, so clients with a bearer token (kubectl with a
 *     token, service accounts, fabric8) and anonymous health probes still connect.</li>
 * <li>{@code io.kapi.security.stores.sha256}: Kapi's own key, which Pax Web ignores: the SHA-256 of
 *     both stores. Jetty reads the stores only when it starts, and a reissued serving certificate
 *     (new host name, renewal) keeps path and password; this value changing is what restarts Jetty
 *     with the new certificate, and it staying the same is what keeps a restart from bouncing it.</li>
 * </ul>
 * Pax Web's defaults are kept for the rest (TLS protocol, cipher exclusions). HTTP/2: the
 * {@code kapi-security} feature installs Pax Web's {@code pax-web-jetty-http2} and
 * {@code pax-web-jetty-http2-jdk9} features, and Pax Web then offers ALPN "h2" next to "http/1.1" on
 * the secure connector with Jetty's defaults (128 concurrent streams per connection, where
 * kube-apiserver's generic server sets 100 unless {@code --http2-max-streams-per-connection} says
 * otherwise). Jetty's {@code SecureRequestCustomizer}, which Pax Web adds to the secure connector,
 * puts the client chain in the {@code javax.servlet.request.X509Certificate} request attribute.
 * The configuration is written only when one of these values differs, because every update
 * restarts Jetty; fileinstall saves it back to {@code etc/org.ops4j.pax.web.cfg} when the
 * configuration came from that file. The password is therefore also in that file: the keystore itself
 * is owner-only (mode 600), which is what protects the key.
 */
package io.kapi.security.internal;
