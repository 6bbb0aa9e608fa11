package io.jenkins.plugins.immutable.scan.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One filesystem layer of an image, as the scanner reads it: a name for messages (the layer's digest when it came from
 * a registry), its media type when known, its compressed size when known (-1 otherwise), and how to open its bytes.
 * The stream is read once, front to back; it may be gzip, zstd or plain tar whatever the media type claims, since the
 * reader sniffs the first bytes.
 */
public record Layer(String name, String mediaType, long size, Opener opener) {

    /** Opens the layer's (possibly compressed) bytes; the reader closes the stream. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    public Layer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opener, "opener");
    }

    /** A layer stored in a local file ({@code docker save} output, an OCI layout blob, a test fixture). */
    public static Layer ofFile(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = -1;
        }
        return new Layer(file.toString(), null, size, () -> Files.newInputStream(file));
    }

    /** A layer held in memory, for tests and small images. */
    public static Layer ofBytes(String name, byte[] bytes) {
        return new Layer(name, null, bytes.length, () -> new java.io.ByteArrayInputStream(bytes));
    }
}
