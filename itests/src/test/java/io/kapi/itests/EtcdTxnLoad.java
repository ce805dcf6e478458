package io.kapi.itests;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator in a JVM of its own, for {@link EtcdCreatesBenchmark}: put-if-absent transactions of 1 KiB values
 * (what a create is in etcd, for kube-apiserver as for Kapi) with {@code concurrency} calls always in flight on one
 * gRPC channel, each answer sending the next call from gRPC's own thread. Asynchronous calls, not a thread per call:
 * a blocking client with 64 threads spent more CPU per transaction than etcd itself on this machine, which would
 * make etcd's rate the client's.
 *
 * <p>{@code java EtcdTxnLoad host port concurrency warmUpSeconds seconds keyPrefix [watch]}. With {@code watch} it
 * first opens a watch with previous values on the key prefix, as kube-apiserver's (and Kapi's) watch cache watches
 * its keys, and reads its events. After the warm-up it prints {@code MEASURE-START} and, at the end,
 * {@code MEASURE-END <transactions> <nanoseconds> <failed> <cpu nanoseconds>} with its own CPU over the measured
 * seconds, so that the caller reads etcd's CPU over the same window. Each call has a deadline, a failed one is
 * followed by the next after a pause (not at once from the failing call), and a run that does not end in time exits
 * with status 2.
 */
public final class EtcdTxnLoad {
    private static final ByteString VALUE = ByteString.copyFrom(new byte[1024]);

    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final KVGrpc.KVStub kv;
    private final String prefix;
    private final ScheduledExecutorService pause = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "etcd-txn-load-pause");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long endNanos;
    private CountDownLatch stopped;

    private EtcdTxnLoad(KVGrpc.KVStub kv, String prefix) {
        this.kv = kv;
        this.prefix = prefix;
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        int warmUp = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor().build();
        try {
            if (args.length > 6 && args[6].equals("watch")) {
                watch(channel, args[5]);
            }
            EtcdTxnLoad load = new EtcdTxnLoad(KVGrpc.newStub(channel), args[5]);
            load.run(concurrency, warmUp);
            long cpu0 = cpuNanos();
            long failed0 = load.failed.get();
            long answered0 = load.answered.get();
            System.out.println("MEASURE-START");
            long t0 = System.nanoTime();
            load.run(concurrency, seconds);
            long nanos = System.nanoTime() - t0;
            System.out.println("MEASURE-END " + (load.answered.get() - answered0) + " " + nanos + " "
                    + (load.failed.get() - failed0) + " " + (cpuNanos() - cpu0));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** {@code concurrency} chains of calls for {@code seconds}; returns once every chain has stopped. */
    private void run(int concurrency, int seconds) throws InterruptedException {
        stopped = new CountDownLatch(concurrency);
        endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < concurrency; i++) {
            next();
        }
        if (!stopped.await(seconds + 2 * CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            System.err.println("the calls did not end in time");
            System.exit(2);
        }
    }

    /** A watch of every key under {@code prefix} with previous values; its events are read and dropped. */
    private static void watch(ManagedChannel channel, String prefix) throws InterruptedException {
        CountDownLatch created = new CountDownLatch(1);
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(new StreamObserver<WatchResponse>() {
            @Override
            public void onNext(WatchResponse r) {
                if (r.getCreated()) {
                    created.countDown();
                }
            }

            @Override
            public void onError(Throwable t) {
                t.printStackTrace();
            }

            @Override
            public void onCompleted() {
            }
        });
        byte[] end = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        end[end.length - 1]++;
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(prefix)).setRangeEnd(ByteString.copyFrom(end)).setPrevKv(true)).build());
        if (!created.await(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            System.err.println("etcd did not create the watch");
            System.exit(2);
        }
    }

    private void next() {
        if (System.nanoTime() - endNanos >= 0) {
            stopped.countDown();
            return;
        }
        ByteString key = ByteString.copyFromUtf8(prefix + sequence.incrementAndGet());
        kv.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(VALUE)))
                .build(), new StreamObserver<TxnResponse>() {
                    @Override
                    public void onNext(TxnResponse r) {
                        if (r.getSucceeded()) {
                            answered.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        failed.incrementAndGet();
                        pause.schedule(EtcdTxnLoad.this::next, 10, TimeUnit.MILLISECONDS);
                    }

                    @Override
                    public void onCompleted() {
                        next();
                    }
                });
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
