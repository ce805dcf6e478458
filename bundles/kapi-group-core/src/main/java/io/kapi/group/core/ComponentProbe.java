package io.kapi.group.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;

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
                    s.setSSLSocketFactory(InsecureTls.CONTEXT.getSocketFactory());
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
}
