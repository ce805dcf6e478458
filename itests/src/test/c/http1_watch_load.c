/*
 * The watch load of Http1WatchersBenchmark in C, for when the JVM's client (Http1WatchLoad) is the
 * bottleneck: the same arguments, the same READY line and the same result file, but one thread, epoll and
 * non-blocking OpenSSL instead of a thread and a JDK TLS socket per watcher.
 *
 * Each watcher is its own TCP connection with its own TLS handshake and an HTTP/1.1 watch of one
 * namespace's ConfigMaps from a resourceVersion. The chunked body is de-framed and each event line scanned
 * for the "kapi.bench/sent" annotation the writer put in the object (microseconds since the epoch, the same
 * clock on one machine); its delay is the arrival time minus that. A watch the server ends, or a 429/503,
 * is opened again 100 ms later from the last resourceVersion seen, as client-go's reflector does.
 *
 * Arguments: port token watchers namespace resourceVersion events resultFile
 * Build: gcc -O2 -o http1_watch_load http1_watch_load.c -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum state { IDLE, CONNECTING, HANDSHAKE, SENDING, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF };

struct watcher {
    int index;
    int fd;
    SSL *ssl;
    enum state st;
    char request[1024];
    int request_len, request_sent;
    char head[8192]; /* the status line and headers, or a chunk-size line */
    int head_len;
    long chunk_left;
    char *line; /* the event line being put together */
    int line_len, line_cap;
    char rv[32];
    int received;
    int opened;
    double retry_at; /* when IDLE: when to connect again (seconds, monotonic) */
};

static int port, watchers, events;
static const char *token, *ns;
static SSL_CTX *ctx;
static int ep;
static long *latencies;
static struct watcher *ws;
static int opened_count, complete_count, failures, resumes, refusals;
static double last_arrival;

static double mono(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long now_micros(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static long cpu_millis(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000L + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000;
}

static void watch_events(struct watcher *w, unsigned int what) {
    struct epoll_event e = {.events = what, .data.ptr = w};
    epoll_ctl(ep, EPOLL_CTL_MOD, w->fd, &e);
}

static void start(struct watcher *w) {
    w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connect(w->fd, (struct sockaddr *) &a, sizeof a); /* EINPROGRESS */
    w->ssl = SSL_new(ctx);
    SSL_set_fd(w->ssl, w->fd);
    SSL_set_connect_state(w->ssl);
    w->st = CONNECTING;
    w->head_len = 0;
    w->line_len = 0;
    w->request_len = snprintf(w->request, sizeof w->request,
            "GET /api/v1/namespaces/%s/configmaps?watch=1&timeoutSeconds=3600&resourceVersion=%s HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", ns, w->rv, token);
    w->request_sent = 0;
    struct epoll_event e = {.events = EPOLLOUT, .data.ptr = w};
    epoll_ctl(ep, EPOLL_CTL_ADD, w->fd, &e);
}

/* Closes the connection; the watch is opened again 100 ms later unless every event came. */
static void drop(struct watcher *w, int count_resume) {
    epoll_ctl(ep, EPOLL_CTL_DEL, w->fd, NULL);
    SSL_free(w->ssl);
    close(w->fd);
    w->ssl = NULL;
    w->fd = -1;
    w->st = IDLE;
    if (count_resume) {
        resumes++;
    }
    w->retry_at = mono() + 0.1;
}

/* The digits after the first pattern in line[0, len), or -1; copied into out (when not NULL) too. */
static long number_after(const char *line, int len, const char *pattern, char *out, size_t out_size) {
    const char *p = memmem(line, len, pattern, strlen(pattern));
    if (p == NULL) {
        return -1;
    }
    p += strlen(pattern);
    long v = 0;
    size_t n = 0;
    while (p < line + len && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (out != NULL && n + 1 < out_size) {
            out[n++] = *p;
        }
        p++;
    }
    if (out != NULL && n > 0) {
        out[n] = 0;
    }
    return v;
}

static void event_line(struct watcher *w, const char *line, int len) {
    number_after(line, len, "\"resourceVersion\":\"", w->rv, sizeof w->rv);
    long sent = number_after(line, len, "\"kapi.bench/sent\":\"", NULL, 0);
    if (sent <= 0 || w->received >= events) {
        return;
    }
    latencies[(long) w->index * events + w->received] = now_micros() - sent;
    w->received++;
    last_arrival = mono();
    if (w->received == events) {
        complete_count++;
    }
}

/* Body bytes of the chunked stream: de-framed, split into lines. -1 when the watch ended. */
static int body(struct watcher *w, const char *buf, int n) {
    for (int i = 0; i < n;) {
        if (w->st == CHUNK_SIZE || w->st == CHUNK_CRLF) {
            char c = buf[i++];
            if (c != '\n') {
                if (w->st == CHUNK_SIZE && w->head_len < (int) sizeof w->head - 1) {
                    w->head[w->head_len++] = c;
                }
                continue;
            }
            if (w->st == CHUNK_CRLF) {
                w->st = CHUNK_SIZE;
                w->head_len = 0;
                continue;
            }
            w->head[w->head_len] = 0;
            if (w->head_len == 0 || (w->head_len == 1 && w->head[0] == '\r')) {
                continue;
            }
            w->chunk_left = strtol(w->head, NULL, 16);
            w->head_len = 0;
            if (w->chunk_left == 0) {
                return -1;
            }
            w->st = CHUNK_DATA;
        } else {
            int take = n - i < w->chunk_left ? n - i : (int) w->chunk_left;
            for (int k = 0; k < take; k++) {
                char c = buf[i + k];
                if (c == '\n') {
                    event_line(w, w->line, w->line_len);
                    w->line_len = 0;
                } else {
                    if (w->line_len == w->line_cap) {
                        w->line_cap = w->line_cap ? w->line_cap * 2 : 4096;
                        w->line = realloc(w->line, w->line_cap);
                    }
                    w->line[w->line_len++] = c;
                }
            }
            i += take;
            w->chunk_left -= take;
            if (w->chunk_left == 0) {
                w->st = CHUNK_CRLF;
            }
        }
    }
    return 0;
}

/* The status line and headers; what follows them is body. -1 on a refusal or an error. */
static int headers(struct watcher *w, const char *buf, int n) {
    for (int i = 0; i < n; i++) {
        if (w->head_len < (int) sizeof w->head - 1) {
            w->head[w->head_len++] = buf[i];
        }
        if (w->head_len >= 4 && memcmp(w->head + w->head_len - 4, "\r\n\r\n", 4) == 0) {
            w->head[w->head_len] = 0;
            if (strncmp(w->head, "HTTP/1.1 200", 12) != 0) {
                if (strncmp(w->head, "HTTP/1.1 503", 12) == 0 || strncmp(w->head, "HTTP/1.1 429", 12) == 0) {
                    refusals++;
                    return -1;
                }
                fprintf(stderr, "watcher %d: %.60s\n", w->index, w->head);
                failures++;
                return -2;
            }
            if (!w->opened) {
                w->opened = 1;
                opened_count++;
            }
            w->st = CHUNK_SIZE;
            w->head_len = 0;
            return body(w, buf + i + 1, n - i - 1);
        }
    }
    return 0;
}

static void step(struct watcher *w) {
    char buf[16384];
    for (;;) {
        if (w->st == CONNECTING || w->st == HANDSHAKE) {
            w->st = HANDSHAKE;
            int r = SSL_do_handshake(w->ssl);
            if (r == 1) {
                w->st = SENDING;
                continue;
            }
            int e = SSL_get_error(w->ssl, r);
            if (e == SSL_ERROR_WANT_READ) {
                watch_events(w, EPOLLIN);
                return;
            }
            if (e == SSL_ERROR_WANT_WRITE) {
                watch_events(w, EPOLLOUT);
                return;
            }
            drop(w, 1);
            return;
        }
        if (w->st == SENDING) {
            int r = SSL_write(w->ssl, w->request + w->request_sent, w->request_len - w->request_sent);
            if (r > 0) {
                w->request_sent += r;
                if (w->request_sent == w->request_len) {
                    w->st = HEADERS;
                    watch_events(w, EPOLLIN);
                }
                continue;
            }
            int e = SSL_get_error(w->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                watch_events(w, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
                return;
            }
            drop(w, 1);
            return;
        }
        int r = SSL_read(w->ssl, buf, sizeof buf);
        if (r <= 0) {
            int e = SSL_get_error(w->ssl, r);
            if (e == SSL_ERROR_WANT_READ) {
                return;
            }
            drop(w, w->received < events);
            return;
        }
        int outcome = w->st == HEADERS ? headers(w, buf, r) : body(w, buf, r);
        if (outcome == -2) {
            drop(w, 0);
            w->retry_at = 1e18; /* failed for good */
            if (!w->opened) {
                w->opened = 1;
                opened_count++;
            }
            return;
        }
        if (outcome < 0) {
            drop(w, w->received < events);
            return;
        }
    }
}

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *) a, y = *(const long *) b;
    return x < y ? -1 : x > y;
}

static long pct(long *sorted, long n, double p) {
    if (n == 0) {
        return -1;
    }
    long i = (long) ((p * n) + 0.999999999) - 1;
    return sorted[i < 0 ? 0 : (i >= n ? n - 1 : i)];
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s port token watchers namespace resourceVersion events resultFile\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    token = argv[2];
    watchers = atoi(argv[3]);
    ns = argv[4];
    events = atoi(argv[6]);
    const char *result = argv[7];
    struct rlimit nofile;
    getrlimit(RLIMIT_NOFILE, &nofile);
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL); /* Kapi's self-signed serving certificate, as the JVM client */
    latencies = calloc((size_t) watchers * events, sizeof(long));
    ws = calloc(watchers, sizeof(struct watcher));
    ep = epoll_create1(0);
    for (int i = 0; i < watchers; i++) {
        ws[i].index = i;
        snprintf(ws[i].rv, sizeof ws[i].rv, "%s", argv[5]);
        start(&ws[i]);
    }
    long cpu_at_ready = -1;
    double started = mono();
    last_arrival = started;
    struct epoll_event ready[256];
    for (;;) {
        int n = epoll_wait(ep, ready, 256, 50);
        for (int i = 0; i < n; i++) {
            step(ready[i].data.ptr);
        }
        double now = mono();
        for (int i = 0; i < watchers; i++) {
            if (ws[i].st == IDLE && ws[i].received < events && ws[i].retry_at <= now) {
                start(&ws[i]);
            }
        }
        if (cpu_at_ready < 0 && opened_count == watchers) {
            cpu_at_ready = cpu_millis();
            printf("READY\n");
            fflush(stdout);
        }
        if (complete_count + failures >= watchers) {
            break;
        }
        int any = 0;
        for (int i = 0; i < watchers && !any; i++) {
            any = ws[i].received > 0;
        }
        if (any && now - last_arrival > 30) {
            break;
        }
        if (cpu_at_ready < 0 && now - started > 300) {
            fprintf(stderr, "only %d of %d watches opened in 5 minutes\n", opened_count, watchers);
            printf("READY\n");
            fflush(stdout);
            cpu_at_ready = cpu_millis();
        }
    }
    long got = 0;
    long *all = malloc(sizeof(long) * ((size_t) watchers * events + 1));
    long k = 0;
    for (int w = 0; w < watchers; w++) {
        int r = ws[w].received < events ? ws[w].received : events;
        got += r;
        memcpy(all + k, latencies + (long) w * events, sizeof(long) * r);
        k += r;
    }
    qsort(all, k, sizeof(long), cmp_long);
    FILE *f = fopen(result, "w");
    fprintf(f, "received=%ld\nexpected=%ld\nfailures=%d\nresumes=%d\nrefusals=%d\ncpuAtReadyMs=%ld\ncpuAtEndMs=%ld\n"
               "p50us=%ld\np99us=%ld\nmaxus=%ld\n",
            got, (long) watchers * events, failures, resumes, refusals, cpu_at_ready, cpu_millis(),
            pct(all, k, 0.5), pct(all, k, 0.99), k == 0 ? -1 : all[k - 1]);
    fclose(f);
    return 0;
}
