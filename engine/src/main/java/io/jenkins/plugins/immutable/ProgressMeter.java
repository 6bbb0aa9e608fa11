package io.jenkins.plugins.immutable;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * Counts the bytes of one transfer (a blob upload, a copy) and reports them to a {@link ProgressListener} as
 * {@code progress(task, done, total)}, throttled so that a fast transfer does not flood the listener: a report when
 * another 1% of the total is done or 100 ms have passed since the last one, whichever comes first, and a final one
 * from {@link #finish()}. Counting is one addition and a clock read per buffer, so it does not slow a transfer.
 *
 * <p>Thread-safe; a transfer counts from one thread at a time, the listener is called outside the meter's lock.
 */
public final class ProgressMeter {

    /** Does nothing; for transfers nobody watches. */
    public static final ProgressMeter NONE = new ProgressMeter(ProgressListener.NONE, "", -1, System::nanoTime);

    static final long EVERY_NANOS = 100_000_000L;
    static final int STEPS = 100;

    private final ProgressListener listener;
    private final String task;
    private final long total;
    private final long step;
    private final LongSupplier clock;
    private long done;
    private long reportedDone = -1;
    private long reportedAt;

    ProgressMeter(ProgressListener listener, String task, long total, LongSupplier clock) {
        this.listener = listener;
        this.task = task;
        this.total = total;
        this.step = total > 0 ? Math.max(1, total / STEPS) : Long.MAX_VALUE;
        this.clock = clock;
        this.reportedAt = clock.getAsLong();
    }

    /** A meter for {@code total} bytes ({@code -1} when unknown) reported to {@code listener} as {@code task}. */
    public static ProgressMeter of(ProgressListener listener, String task, long total) {
        return listener == ProgressListener.NONE ? NONE : new ProgressMeter(listener, task, total, System::nanoTime);
    }

    /** Counts {@code bytes} more; reports when another 1% is done or 100 ms have passed since the last report. */
    public void advance(long bytes) {
        if (this == NONE) {
            return;
        }
        long report;
        synchronized (this) {
            done += bytes;
            long now = clock.getAsLong();
            if (done - Math.max(reportedDone, 0) < step && now - reportedAt < EVERY_NANOS) {
                return;
            }
            reportedDone = done;
            reportedAt = now;
            report = done;
        }
        listener.progress(task, report, total);
    }

    /**
     * Starts the count again from zero, reported at once: a transfer that failed half-way and is sent again shows
     * its progress from the start rather than beyond its total.
     */
    public void restart() {
        if (this == NONE) {
            return;
        }
        synchronized (this) {
            if (done == 0) {
                return;
            }
            done = 0;
            reportedDone = 0;
            reportedAt = clock.getAsLong();
        }
        listener.progress(task, 0, total);
    }

    /**
     * The transfer is complete: reports {@code total} of {@code total} (with an unknown total, what was counted as
     * the total), unless that was the last report already. A listener drops its bar for a finished task.
     */
    public void finish() {
        if (this == NONE) {
            return;
        }
        long end;
        synchronized (this) {
            end = total >= 0 ? total : done;
            if (total >= 0 && reportedDone == total) {
                return; // that report already said it was finished
            }
            done = end;
            reportedDone = end;
        }
        listener.progress(task, end, end);
    }

    /** How many bytes were counted so far. */
    public synchronized long done() {
        return done;
    }

    /**
     * The stream, counting what is read from it from zero (a stream opened again for a retry starts the count over).
     */
    public InputStream counting(InputStream in) {
        if (this == NONE) {
            return in;
        }
        restart();
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    advance(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    advance(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                if (skipped > 0) {
                    advance(skipped);
                }
                return skipped;
            }
        };
    }
}
