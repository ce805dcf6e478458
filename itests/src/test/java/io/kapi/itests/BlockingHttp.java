package io.kapi.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The benchmark's load generator for request/response measurements: the JDK's blocking
 * {@link HttpURLConnection} (HTTP/1.1, persistent connections from its keep-alive cache, one
 * connection per concurrent caller). It costs a fraction of the CPU of {@code java.net.http}'s
 * asynchronous client per request, which on the server's own two CPUs was measured to be the
 * bottleneck of the creates it sent. The same client loads raw etcd and Kapi, so they are compared
 * under the same load generator.
 *
 * <p>Needs the system property {@code http.maxConnections} above the highest concurrency (the JDK keeps
 * 5 idle connections per destination by default; the rest would be closed and handshaken again); the
 * failsafe configuration sets it.
 */
final class BlockingHttp {
    record Response(int code, byte[] body) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final SSLSocketFactory ssl;

    private BlockingHttp(SSLSocketFactory ssl) {
        this.ssl = ssl;
    }

    /** For plain http (etcd on loopback). */
    static BlockingHttp plain() {
        return new BlockingHttp(null);
    }

    /** For https, trusting any certificate (the benchmark checks the API, not the chain). */
    static BlockingHttp insecure() throws Exception {
        return new BlockingHttp(Distribution.trustingAnyCertificate().getSocketFactory());
    }

    /** One request; the whole answer is read so that the connection goes back to the keep-alive cache. */
    Response send(String method, String url, Map<String, String> headers, byte[] body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(ssl);
            https.setHostnameVerifier((host, session) -> true);
        }
        c.setRequestMethod(method);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(300_000);
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int code = c.getResponseCode();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.transferTo(answer);
            }
        }
        return new Response(code, answer.toByteArray());
    }
}
