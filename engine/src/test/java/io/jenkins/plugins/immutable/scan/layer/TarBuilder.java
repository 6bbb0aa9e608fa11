package io.jenkins.plugins.immutable.scan.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Writes layer tarballs for tests, the way image builders do (PAX for long names, whiteouts as empty files). */
public final class TarBuilder {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public TarBuilder() {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public TarBuilder dir(String path) {
        TarArchiveEntry e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
        e.setMode(040755);
        return put(e, null);
    }

    public TarBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0100644);
    }

    public TarBuilder file(String path, byte[] content, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setMode(mode);
        e.setSize(content.length);
        return put(e, content);
    }

    /** A file whose content streams from a source (large files, without holding them in memory). */
    public TarBuilder file(String path, long size, InputStream content) {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setMode(0100644);
        e.setSize(size);
        try {
            tar.putArchiveEntry(e);
            content.transferTo(tar);
            tar.closeArchiveEntry();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return this;
    }

    public TarBuilder symlink(String path, String target) {
        TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0120777);
        return put(e, null);
    }

    public TarBuilder hardlink(String path, String target) {
        TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_LINK);
        e.setLinkName(target);
        return put(e, null);
    }

    /** The OCI whiteout that deletes {@code path} from the layers below. */
    public TarBuilder whiteout(String path) {
        int slash = path.lastIndexOf('/');
        String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return file(name, new byte[0], 0100644);
    }

    /** The OCI marker that makes {@code dir} opaque: nothing the layers below put there survives. */
    public TarBuilder opaque(String dir) {
        return file(dir + "/.wh..wh..opq", new byte[0], 0100644);
    }

    private TarBuilder put(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return this;
    }

    /** Streams a tar with one file of {@code size} zero bytes into {@code out}: the body of a decompression bomb. */
    public static void writeTarWithZeros(OutputStream out, String path, long size) throws IOException {
        TarArchiveOutputStream t = new TarArchiveOutputStream(out);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setSize(size);
        t.putArchiveEntry(e);
        byte[] zeros = new byte[1 << 20];
        for (long written = 0; written < size; written += zeros.length) {
            t.write(zeros, 0, (int) Math.min(zeros.length, size - written));
        }
        t.closeArchiveEntry();
        t.finish();
    }

    public byte[] tar() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }

    public byte[] gzip() {
        return gzip(tar());
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out.toByteArray();
    }

    /** Compresses with the real {@code zstd} tool (installed by scripts/stack), not with the decoder's own library. */
    public byte[] zstd() {
        return zstd(tar());
    }

    public static byte[] zstd(byte[] tarBytes) {
        try {
            Path in = Files.createTempFile("layer", ".tar");
            Path out = Path.of(in + ".zst");
            try {
                Files.write(in, tarBytes);
                Process p = new ProcessBuilder("zstd", "-q", "-f", "-3", in.toString(), "-o", out.toString())
                        .redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("zstd failed: " + output);
                }
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("this test needs the zstd tool; run scripts/stack up (it installs zstd)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
