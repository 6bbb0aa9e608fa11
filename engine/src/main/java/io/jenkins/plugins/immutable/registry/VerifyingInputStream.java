package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a blob's bytes through while hashing and counting them; at the end, or as soon as there are more bytes than
 * expected, a mismatch throws {@link EngineException} of kind INTEGRITY, so a reader never silently consumes bytes that
 * are not the blob it asked for.
 */
final class VerifyingInputStream extends FilterInputStream {

    private final Digest expected;
    private final long expectedSize;
    private final String where;
    private final MessageDigest md;
    private long count;
    private boolean verified;

    /** @param expectedSize -1 when unknown */
    VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String where) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.where = where;
        this.md = expected.algorithm().newMessageDigest();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        md.update(b, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw EngineException.integrity("blob " + expected + " from " + where + " is longer than its " + expectedSize
                    + " bytes; the registry's copy is corrupt or not the blob asked for: do not use it, and push the"
                    + " image again");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be hashed.
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() {
        if (verified) {
            return;
        }
        verified = true;
        if (expectedSize >= 0 && count != expectedSize) {
            throw EngineException.integrity("blob " + expected + " from " + where + " ended after " + count
                    + " of its " + expectedSize + " bytes; the transfer was cut or the registry's copy is damaged;"
                    + " try again, and if it persists push the image again");
        }
        Digest actual = Digest.of(expected.algorithm(), md.digest());
        if (!actual.equals(expected)) {
            throw EngineException.integrity("blob " + expected + " from " + where + " does not match its digest (its"
                    + " bytes hash to " + actual + "); the registry's copy is corrupt or was tampered with: do not use"
                    + " it, and push the image again");
        }
    }
}
