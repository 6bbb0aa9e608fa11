package io.jenkins.plugins.immutable.registry;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a blob's bytes from the start, each time it is asked, so an upload that failed half-way can be sent again
 * without holding the bytes anywhere.
 */
@FunctionalInterface
public interface BlobSource {
    InputStream open() throws IOException;
}
