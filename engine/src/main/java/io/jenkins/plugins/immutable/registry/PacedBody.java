package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A response body as an InputStream whose reads wait no longer than its {@link Pace} allows: where the JDK's own
 * {@code BodyHandlers.ofInputStream()} waits for the next bytes for good, a read here throws the stall's
 * {@link EngineException} (OUTAGE) once the server sent too little for a read timeout, or a document took longer than
 * its overall limit. The stream is then closed, which cancels the exchange. At most two batches of the client's
 * buffers are held: one more is asked for as each is taken.
 */
final class PacedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private record Failed(Throwable cause) {
    }

    private final Pace pace;
    private final Supplier<EngineException> stalled;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> batch;
    private ByteBuffer current;
    private boolean ended;
    private volatile boolean closed;

    /** @param stalled the error for a body that stalled, read from {@code pace} when it happens */
    PacedBody(Pace pace, Supplier<EngineException> stalled) {
        this.pace = pace;
        this.stalled = stalled;
    }

    static HttpResponse.BodyHandler<InputStream> handler(Pace pace, Supplier<EngineException> stalled) {
        return info -> new PacedBody(pace, stalled);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        queue.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(new Failed(t));
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the response body is closed");
        }
        if (len == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        pace.downloaded(n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** Makes {@code current} a buffer with bytes in it; false at the end of the body. */
    private boolean next() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (ended) {
                return false;
            }
            if (batch != null && batch.hasNext()) {
                current = batch.next();
                continue;
            }
            Object item;
            try {
                long left = pace.nanosLeft();
                item = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted while reading a response body");
            }
            if (item == null) {
                if (pace.nanosLeft() > 0) {
                    continue; // bytes moved the other way (an upload) and started the window again
                }
                close();
                throw stalled.get();
            }
            if (item == END) {
                ended = true;
                return false;
            }
            if (item instanceof Failed f) {
                ended = true;
                throw f.cause() instanceof IOException io ? io : new IOException(f.cause());
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> buffers = (List<ByteBuffer>) item;
            batch = buffers.iterator();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        queue.clear();
        batch = null;
        current = null;
    }
}
