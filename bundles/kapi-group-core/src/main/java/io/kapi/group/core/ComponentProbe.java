package io.kapi.group.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One component's health check, as kube's componentstatus validator runs it: a result (kube's probe
 * result: success, failure or unknown), the message and the error. {@link #http} is kube's
 * {@code HttpServer} check: a GET of the component's {@code /healthz}, certificates not verified (kube
 * sets {@code InsecureSkipVerify}), a 2xx or 3xx answer healthy with its body as the message, another
 * status a failure, a connection that fails a failure whose message is Go's error text.
 */
@FunctionalInterface
interface ComponentProbe {
    /** kube's probe results, in the condition status they become. */
    enum Result {
        SUCCESS("True"), FAILURE("False"), UNKNOWN("Unknown");

        final String conditionStatus;

        Result(String conditionStatus) {
            this.conditionStatus = conditionStatus;
        }
    }

    /** What one check found. */
    record Outcome(Result result, String message, String error) {
    }

    Outcome check();

    /** kube's limit on a probe's body (the prober reads at most 10 KiB). */
    int MAX_BODY = 10 * 1024;

    /** kube's {@code HttpServer} check of {@code scheme://host:port/path}, each attempt bounded by {@code timeoutMillis}. */
    static ComponentProbe http(String scheme, String host, int port, String path, int timeoutMillis) {
        String url = scheme + "://" + host + ":" + port + path;
        return () -> {
            HttpURLConnection c = null;
            try {
                c = (HttpURLConnection) new URL(url).openConnection();
                if (c instanceof HttpsURLConnection s) {
                    s.setSSLSocketFactory(Insecure.CONTEXT.getSocketFactory());
                    s.setHostnameVerifier((h, session) -> true);
                }
                c.setConnectTimeout(timeoutMillis);
                c.setReadTimeout(timeoutMillis);
                c.setInstanceFollowRedirects(true);
                int status = c.getResponseCode();
                if (status >= 200 && status < 400) {
                    try (InputStream in = c.getInputStream()) {
                        return new Outcome(Result.SUCCESS, new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8), "");
                    }
                }
                return new Outcome(Result.FAILURE, "HTTP probe failed with statuscode: " + status, "");
            } catch (ConnectException e) {
                // Go's net/http error for a port nothing listens on
                return new Outcome(Result.FAILURE, "Get \"" + url + "\": dial tcp " + host + ":" + port + ": connect: connection refused", "");
            } catch (SocketTimeoutException e) {
                return new Outcome(Result.FAILURE, "Get \"" + url + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", "");
            } catch (IOException | IllegalArgumentException e) {
                return new Outcome(Result.FAILURE, "Get \"" + url + "\": " + e.getMessage(), "");
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        };
    }

    /** A TLS context that accepts any certificate, as kube's check of a component's self-signed one. */
    final class Insecure {
        static final SSLContext CONTEXT = context();

        private Insecure() {
        }

        private static SSLContext context() {
            TrustManager all = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    // a health check authenticates nobody
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // kube's InsecureSkipVerify
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {all}, null);
                return ctx;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS in this JVM", e);
            }
        }
    }
}
