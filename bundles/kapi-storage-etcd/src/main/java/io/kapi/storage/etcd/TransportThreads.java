package io.kapi.storage.etcd;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;

import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The threads of the etcd transport's channels: Netty's event loops (network I/O, and the calls' deadlines and
 * keepalives, which grpc-netty schedules on them) and the executor the calls' callbacks run on.
 *
 * <p>grpc-java would otherwise run every channel on its process-wide shared pools, which it releases a few seconds
 * after the last channel closes. Such threads outlive a stopped or refreshed bundle and run its code once its class
 * loader is gone; {@link #close} instead ends them before the transport's close returns.
 */
final class TransportThreads {

    private static final Logger LOG = Logger.getLogger(TransportThreads.class.getName());
    static final long CLOSE_WAIT_SECONDS = 5;

    private final NioEventLoopGroup eventLoops;
    private final ExecutorService callbacks;

    /** Threads for {@code channels} channels: each channel is served by one event loop. */
    TransportThreads(int channels) {
        this.eventLoops = new NioEventLoopGroup(Math.max(1, Math.min(channels, Runtime.getRuntime().availableProcessors())),
                daemons("kapi-etcd-io-"));
        this.callbacks = Executors.newCachedThreadPool(daemons("kapi-etcd-callback-"));
    }

    /** A channel to build on these threads. */
    NettyChannelBuilder channel(String host, int port) {
        return NettyChannelBuilder.forAddress(host, port)
                .eventLoopGroup(eventLoops)
                .channelType(NioSocketChannel.class)
                .executor(callbacks)
                .offloadExecutor(callbacks); // name resolution
    }

    /**
     * Waits (up to {@value #CLOSE_WAIT_SECONDS} s in all) for {@code channels}, already shut down, to terminate, then
     * ends the threads.
     */
    void close(Collection<ManagedChannel> channels) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        try {
            for (ManagedChannel c : channels) {
                c.awaitTermination(left(deadline), TimeUnit.NANOSECONDS);
            }
            // no quiet period: nothing is left to run on the loops once their channels have terminated
            eventLoops.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS).await(left(deadline), TimeUnit.NANOSECONDS);
            callbacks.shutdown();
            if (!callbacks.awaitTermination(left(deadline), TimeUnit.NANOSECONDS)) {
                callbacks.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!eventLoops.isTerminated() || !callbacks.isTerminated()) {
            LOG.warning("etcd transport closed, but its threads did not end within " + CLOSE_WAIT_SECONDS + " s");
        }
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
