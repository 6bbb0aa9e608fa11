package io.jenkins.plugins.immutable.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body handed to the HTTP client in slices of at most {@value #SLICE} bytes, each counted on a
 * {@link Pace} as the client takes it, and the end of the body marked there. The client asks for the next slice once
 * it has written the last, so the count follows what goes out (give or take the socket's buffers), where a body
 * handed over whole (a byte array is one buffer) would count as sent before a byte moved. The slices share the
 * original buffers' bytes; nothing is copied.
 */
final class CountedBody implements HttpRequest.BodyPublisher {

    static final int SLICE = 16 * 1024;

    private final HttpRequest.BodyPublisher body;
    private final Pace pace;

    CountedBody(HttpRequest.BodyPublisher body, Pace pace) {
        this.body = body;
        this.pace = pace;
    }

    @Override
    public long contentLength() {
        return body.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        body.subscribe(new Relay(subscriber, pace));
    }

    private static final class Relay implements Flow.Subscriber<ByteBuffer>, Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> downstream;
        private final Pace pace;
        private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean outstanding = new AtomicBoolean();
        private volatile Flow.Subscription upstream;
        private volatile boolean upstreamDone;
        private volatile Throwable error;
        private volatile boolean cancelled;
        private boolean terminated;

        Relay(Flow.Subscriber<? super ByteBuffer> downstream, Pace pace) {
            this.downstream = downstream;
            this.pace = pace;
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
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            queue.add(buffer);
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
                while (!cancelled && demand.get() > 0) {
                    ByteBuffer head = queue.peek();
                    if (head == null) {
                        break;
                    }
                    if (!head.hasRemaining()) {
                        queue.poll();
                        continue;
                    }
                    int n = Math.min(SLICE, head.remaining());
                    ByteBuffer slice = head.slice(head.position(), n);
                    head.position(head.position() + n);
                    if (!head.hasRemaining()) {
                        queue.poll();
                    }
                    demand.decrementAndGet();
                    pace.uploaded(n);
                    downstream.onNext(slice);
                }
                if (cancelled || terminated) {
                    queue.clear();
                } else if (queue.isEmpty() && upstreamDone) {
                    terminated = true;
                    if (error != null) {
                        downstream.onError(error);
                    } else {
                        pace.uploadDone();
                        downstream.onComplete();
                    }
                } else if (queue.isEmpty() && demand.get() > 0 && outstanding.compareAndSet(false, true)) {
                    upstream.request(1);
                }
            } while (wip.decrementAndGet() != 0);
        }
    }
}
