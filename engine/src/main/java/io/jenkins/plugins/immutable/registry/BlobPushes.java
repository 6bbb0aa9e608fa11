package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Pushing blobs through {@link Upload} sessions, from bytes, a file, a source that opens again, or a stream read once;
 * in one request or in chunks. A blob the repository already has is not sent again, where its digest is known first.
 */
final class BlobPushes {

    private final Remote remote;
    private final Blobs blobs;

    BlobPushes(Remote remote, Blobs blobs) {
        this.remote = remote;
        this.blobs = blobs;
    }

    Descriptor push(Repository repo, byte[] bytes) {
        Descriptor d = Descriptor.of(MediaTypes.OCTET_STREAM, bytes);
        if (blobs.head(repo, d.digest()).isEmpty()) {
            monolithic(repo, d, Call.Body.of(bytes));
        }
        return d;
    }

    Descriptor push(Repository repo, Path file) {
        Descriptor d = describe(file);
        if (blobs.head(repo, d.digest()).isEmpty()) {
            monolithic(repo, d, Call.Body.of(file));
        }
        return d;
    }

    void push(Repository repo, Descriptor blob, BlobSource source) {
        if (blobs.head(repo, blob.digest()).isEmpty()) {
            pushUnchecked(repo, blob, source);
        }
    }

    /**
     * Pushes from a source that opens again: its stream is sent once, so a transfer that fails as an OUTAGE is
     * started again from a new session and a newly opened source, as the retry policy allows.
     */
    void pushUnchecked(Repository repo, Descriptor blob, BlobSource source) {
        RetryPolicy policy = remote.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            InputStream in;
            try {
                in = source.open();
            } catch (IOException e) {
                throw EngineException.outage("cannot open the bytes of blob " + blob.digest() + ": " + e.getMessage(), e);
            }
            try (InputStream stream = new EngineToIo(in)) {
                monolithic(repo, blob, Call.Body.once(stream, blob.size()));
                return;
            } catch (EngineException e) {
                if (!policy.allowsAnother(e, attempt)) {
                    throw e;
                }
                remote.tell("pushing blob " + blob.digest().shortForm() + " to " + repo + " failed ("
                        + e.getMessage() + "); sending it again");
                RetryPolicy.pause(policy.backoff(attempt));
            } catch (IOException e) {
                throw EngineException.outage("closing the source of blob " + blob.digest() + " failed", e);
            }
        }
    }

    /** Pushes a stream of unknown length in one chunked PATCH, hashing it on the way; it cannot be sent again. */
    Descriptor push(Repository repo, InputStream in) {
        Upload upload = Upload.start(remote, repo);
        MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
        long[] count = new long[1];
        upload.patch(new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    md.update(b, off, n);
                    count[0] += n;
                }
                return n;
            }
        });
        Descriptor d = new Descriptor(MediaTypes.OCTET_STREAM, Digest.of(Digest.Algorithm.SHA256, md.digest()), count[0]);
        upload.commit(d);
        return d;
    }

    /** Pushes a file in chunks; a chunk that fails as an OUTAGE is resumed from where the registry says it got. */
    Descriptor pushChunked(Repository repo, Path file, int chunkSize) {
        Descriptor d = describe(file);
        if (blobs.head(repo, d.digest()).isPresent()) {
            return d;
        }
        Upload upload = Upload.start(remote, repo);
        long offset = 0;
        int failures = 0;
        try (FileChannel channel = FileChannel.open(file)) {
            while (offset < d.size()) {
                long length = Math.min(chunkSize, d.size() - offset);
                channel.position(offset);
                try {
                    upload.patch(new BoundedInputStream(Channels.newInputStream(channel), length), offset, length);
                    offset += length;
                } catch (EngineException e) {
                    if (!remote.retryPolicy().allowsAnother(e, ++failures)) {
                        throw e;
                    }
                    long confirmed = upload.confirmed();
                    remote.tell("chunk at " + offset + " of blob " + d.digest().shortForm() + " failed; resuming at "
                            + confirmed);
                    offset = confirmed;
                }
            }
        } catch (IOException e) {
            throw EngineException.badInput("cannot read " + file + ": " + e.getMessage());
        }
        upload.commit(d);
        return d;
    }

    /** Pushes a stream in chunks, one chunk in memory at a time; it cannot be sent again. */
    Descriptor pushChunked(Repository repo, InputStream in, int chunkSize) {
        Upload upload = Upload.start(remote, repo);
        MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
        byte[] buffer = new byte[chunkSize];
        long offset = 0;
        try {
            while (true) {
                int n = in.readNBytes(buffer, 0, chunkSize);
                if (n == 0) {
                    break;
                }
                md.update(buffer, 0, n);
                upload.patch(new ByteArrayInputStream(buffer, 0, n), offset, n);
                offset += n;
                if (n < chunkSize) {
                    break;
                }
            }
        } catch (IOException e) {
            throw EngineException.badInput("cannot read the blob to push to " + repo + ": " + e.getMessage());
        }
        Descriptor d = new Descriptor(MediaTypes.OCTET_STREAM, Digest.of(Digest.Algorithm.SHA256, md.digest()), offset);
        upload.commit(d);
        return d;
    }

    private void monolithic(Repository repo, Descriptor d, Call.Body body) {
        Upload.start(remote, repo).putWhole(d, body, "push blob " + d.digest().shortForm() + " to " + repo);
    }

    private static Descriptor describe(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Descriptor(MediaTypes.OCTET_STREAM, Digest.sha256(in), Files.size(file));
        } catch (IOException | UncheckedIOException e) {
            throw EngineException.badInput("cannot read " + file + " to push it: " + e.getMessage());
        }
    }

    /** Reads at most {@code limit} bytes of a stream, leaving the rest (it does not close the underlying stream). */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() {
            // the channel belongs to the caller
        }
    }

    /**
     * Carries an {@link EngineException} (a digest mismatch in a source stream) through the HTTP client as an
     * IOException, so the client aborts the request; the {@link Retries} unwrap it.
     */
    private static final class EngineToIo extends FilterInputStream {
        EngineToIo(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (EngineException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (EngineException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
