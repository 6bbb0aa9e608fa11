package io.jenkins.plugins.immutable.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the stack's proxy (tinyproxy) took since a test started, read from its log: so that a test proves a request
 * went through the proxy, or did not, rather than only that it succeeded. Tests share the proxy, so they look for
 * their own unique repository names.
 */
public final class ProxyLog {

    private static final String REQUEST = "Request (file descriptor ";

    private final Path file;
    private final long start;

    private ProxyLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** From the log's end now on. */
    public static ProxyLog mark() {
        Path file = Stack.proxyLog();
        try {
            return new ProxyLog(file, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the proxy's log " + file + "; run `scripts/stack up`", e);
        }
    }

    /** Every request line since the mark: {@code GET http://127.0.0.1:5101/v2/ HTTP/1.1}, {@code CONNECT h:p ...}. */
    public List<String> requests() {
        List<String> out = new ArrayList<>();
        for (String line : linesSinceMark()) {
            int at = line.indexOf(REQUEST);
            if (at >= 0) {
                out.add(line.substring(line.indexOf("): ", at) + 3));
            }
        }
        return out;
    }

    /** The request lines since the mark that contain {@code fragment} (a unique repository name, a port). */
    public List<String> requestsMentioning(String fragment) {
        return requests().stream().filter(r -> r.contains(fragment)).toList();
    }

    private List<String> linesSinceMark() {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= start) {
                return List.of();
            }
            byte[] bytes = new byte[(int) (length - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the proxy's log " + file, e);
        }
    }
}
