package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.ProgressMeter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands the buffers of one HTTP response body to one HTTP request body as they arrive, without copying them: the
 * request's demand is passed back to the response, so the download goes no faster than the upload takes it and at
 * most one batch of the client's buffers is held per transfer. Each buffer is counted on a {@link ProgressMeter} as
 * it is handed on. Subscribable once.
 */
final class BufferPipe implements Flow.Publisher<ByteBuffer> {

    private final Flow.Publisher<List<ByteBuffer>> upstream;
    private final ProgressMeter meter;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    BufferPipe(Flow.Publisher<List<ByteBuffer>> upstream, ProgressMeter meter) {
        this.upstream = upstream;
        this.meter = meter;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
        if (!subscribed.compareAndSet(false, true)) {
            downstream.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            downstream.onError(new IllegalStateException("a streamed blob can be sent once"));
            return;
        }
        upstream.subscribe(new Relay(downstream, meter));
    }

    private static final class Relay implements Flow.Subscriber<List<ByteBuffer>>, Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> downstream;
        private final ProgressMeter meter;
        private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean outstanding = new AtomicBoolean();
        private volatile Flow.Subscription upstream;
        private volatile boolean upstreamDone;
        private volatile Throwable error;
        private volatile boolean cancelled;
        private boolean terminated;

        Relay(Flow.Subscriber<? super ByteBuffer> downstream, ProgressMeter meter) {
            this.downstream = downstream;
            this.meter = meter;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            downstream.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                error = new IllegalArgumentException("non-positive request " + n);
                upstreamDone = true;
            } else {
                demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            upstream.cancel();
            queue.clear();
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    queue.add(b);
                }
            }
            outstanding.set(false);
            drain();
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            upstreamDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            upstreamDone = true;
            drain();
        }

        /** Serialised: only one thread at a time delivers, the others leave their work to it. */
        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                while (!cancelled && demand.get() > 0 && !queue.isEmpty()) {
                    demand.decrementAndGet();
                    ByteBuffer next = queue.poll();
                    meter.advance(next.remaining()); // before the upload consumes it
                    downstream.onNext(next);
                }
                if (cancelled || terminated) {
                    queue.clear();
                } else if (queue.isEmpty() && upstreamDone) {
                    terminated = true;
                    if (error != null) {
                        downstream.onError(error);
                    } else {
                        downstream.onComplete();
                    }
                } else if (queue.isEmpty() && demand.get() > 0 && outstanding.compareAndSet(false, true)) {
                    upstream.request(1);
                }
            } while (wip.decrementAndGet() != 0);
        }
    }
}
