package io.jenkins.plugins.immutable.registry;

import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * One try at an exchange on the wire, below the {@link Retries}: it may get no answer at all (an IOException: the
 * connection was refused or broke) or be interrupted, which the retries decide about.
 */
@FunctionalInterface
interface Attempt<T> {
    HttpResponse<T> send(Hop hop) throws IOException, InterruptedException;
}
