package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressMeter;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Repository;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * A blob streamed from one registry into another: the download's buffers are handed to the upload as they arrive,
 * without copying ({@link BufferPipe}), the upload's pace throttling the download. The target registry computes the
 * digest of what it receives and refuses a mismatch (INTEGRITY), so the bytes are not hashed here as well.
 */
final class BlobCopy {

    private final Remote remote;

    BlobCopy(Remote remote) {
        this.remote = remote;
    }

    /**
     * Copies the blob, starting a transfer that breaks (an OUTAGE) again from both ends as the retry policy allows.
     * The bytes handed to the upload are counted on {@code meter}, which is finished once the target has the blob.
     */
    void copy(Repository from, Repository to, Descriptor blob, ProgressMeter meter) {
        RetryPolicy policy = remote.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            try {
                meter.restart();
                copyOnce(from, to, blob, meter);
                meter.finish();
                return;
            } catch (EngineException e) {
                if (!policy.allowsAnother(e, attempt)) {
                    throw e;
                }
                remote.tell("copying blob " + blob.digest().shortForm() + " to " + to + " failed ("
                        + e.getMessage() + "); starting it again");
                RetryPolicy.pause(policy.backoff(attempt));
            }
        }
    }

    private void copyOnce(Repository from, Repository to, Descriptor blob, ProgressMeter meter) {
        // The upload session first: a target that is down fails before the source sends a byte.
        Upload upload = Upload.start(remote, to);
        String what = "get blob " + blob.digest() + " from " + from;
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = remote.sendForPublisher(
                Call.of("GET", remote.blobUri(from, blob.digest()), what).auth(from.registry(), Remote.pull(from)));
        remote.checkFlow(r, from.registry(), what, 200);
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length >= 0 && length != blob.size()) {
            Responses.discardPublisher(r);
            throw Blobs.wrongLength(from, blob.digest(), length, blob.size());
        }
        upload.putWhole(blob, Call.Body.once(HttpRequest.BodyPublishers.fromPublisher(new BufferPipe(r.body(), meter),
                blob.size())), "push blob " + blob.digest().shortForm() + " to " + to + " (streamed from " + from + ")");
    }
}
