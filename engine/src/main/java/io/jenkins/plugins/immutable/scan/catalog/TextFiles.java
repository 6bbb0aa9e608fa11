package io.jenkins.plugins.immutable.scan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading small text files (package databases, metadata) with a cap, so a huge file cannot exhaust the heap. */
final class TextFiles {

    private TextFiles() {
    }

    /** The file's text, or null (recorded as skipped) when it is larger than {@code max} bytes. */
    static String read(InputStream in, int max, String location, Warnings warnings) throws IOException {
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            warnings.skip(location, "larger than " + (max >> 20) + " MiB, the most this scanner reads of such a file;"
                    + " its packages are missing from the report");
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
