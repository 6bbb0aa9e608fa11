package io.jenkins.plugins.immutable.registry;

import java.time.Duration;

/**
 * How long one request may still wait for its server: the bound on every wait of a request, from sending it to the
 * last byte of its answer. Two limits, whichever comes first:
 * <ul>
 *   <li>the read timeout, a window that starts again whenever {@link #LOW_SPEED_BYTES} have moved (up or down): a
 *       server that answers nothing, or trickles fewer bytes than that, for a whole window is stalled. Counting a
 *       kilobyte rather than one byte is what bounds a blob sent at 1 byte/s, which an idle timeout never would
 *       (curl's low-speed limit works so);</li>
 *   <li>for a small document (a manifest, a token, a tag list), an overall limit from the request on, so that one
 *       answer that keeps just above the low speed is still bounded.</li>
 * </ul>
 * Once a request body is all handed over, the wait for the answer gets the read timeout plus as long as the upload
 * took: that much may still sit in the sockets' buffers on the way, and a registry hashes and stores a large blob
 * before it answers. Once the answer's headers are in, the window starts again without that allowance.
 * Thread-safe: the upload is counted on the HTTP client's threads, the download on the reader's.
 */
final class Pace {

    /** At least this many bytes per read timeout, or the transfer is stalled. */
    static final int LOW_SPEED_BYTES = 1024;

    private final Duration readTimeout;
    private final Duration documentTimeout;
    private final long deadline;
    private long windowStart;
    private long windowBytes;
    private long uploaded;
    private long downloaded;
    private boolean uploadDone;
    private final long started;
    private long allowance;

    /** @param documentTimeout the overall limit, or null for none (a blob) */
    Pace(Duration readTimeout, Duration documentTimeout) {
        this.readTimeout = readTimeout;
        this.documentTimeout = documentTimeout;
        long now = System.nanoTime();
        this.started = now;
        this.windowStart = now;
        this.deadline = documentTimeout == null ? Long.MAX_VALUE : now + documentTimeout.toNanos();
    }

    synchronized void uploaded(long bytes) {
        uploaded += bytes;
        moved(bytes);
    }

    synchronized void uploadDone() {
        uploadDone = true;
        long now = System.nanoTime();
        allowance = now - started;
        windowStart = now;
        windowBytes = 0;
    }

    /** The answer's status and headers are in: the body's window starts now. */
    synchronized void answered() {
        allowance = 0;
        windowStart = System.nanoTime();
        windowBytes = 0;
    }

    synchronized void downloaded(long bytes) {
        downloaded += bytes;
        moved(bytes);
    }

    private void moved(long bytes) {
        windowBytes += bytes;
        if (windowBytes >= LOW_SPEED_BYTES) {
            windowStart = System.nanoTime();
            windowBytes = 0;
        }
    }

    /** How long a wait may still last, in nanoseconds; 0 or less when a limit is reached. */
    synchronized long nanosLeft() {
        long now = System.nanoTime();
        long window = windowStart + readTimeout.toNanos() + allowance - now;
        return deadline == Long.MAX_VALUE ? window : Math.min(window, deadline - now);
    }

    /** Whether the overall limit, rather than the read timeout, is what ran out. */
    synchronized boolean overallReached() {
        return deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0;
    }

    Duration readTimeout() {
        return readTimeout;
    }

    /** How long the last wait was allowed: the read timeout, and after an upload what it took as well. */
    synchronized Duration waited() {
        return readTimeout.plusNanos(allowance);
    }

    Duration documentTimeout() {
        return documentTimeout;
    }

    synchronized long uploadedBytes() {
        return uploaded;
    }

    synchronized boolean uploadComplete() {
        return uploadDone;
    }

    synchronized long downloadedBytes() {
        return downloaded;
    }

    /** Bytes moved in the current window, which were too few if it ran out. */
    synchronized long windowBytes() {
        return windowBytes;
    }

    /** A duration for messages: "60 s", "1.5 s", "2 min". */
    static String shown(Duration d) {
        long millis = d.toMillis();
        if (millis % 60_000 == 0 && millis >= 120_000) {
            return millis / 60_000 + " min";
        }
        if (millis >= 10_000) {
            return Math.round(millis / 1000.0) + " s";
        }
        String tenths = String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
        return (tenths.endsWith(".0") ? tenths.substring(0, tenths.length() - 2) : tenths) + " s";
    }
}
