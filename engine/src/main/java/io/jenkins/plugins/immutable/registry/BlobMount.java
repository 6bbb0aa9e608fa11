package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** A blob mounted from another repository of the same registry: one request, and no bytes move. */
final class BlobMount {

    private final Remote remote;

    BlobMount(Remote remote) {
        this.remote = remote;
    }

    /** Whether the registry mounted it; false when it does not have it there or the credentials may not read it. */
    boolean mount(Repository target, Repository from, Digest digest) {
        if (!target.registry().equals(from.registry())) {
            throw EngineException.badInput("cannot mount " + digest + " from " + from + " into " + target
                    + ": mounts work within one registry; copy the blob instead");
        }
        String what = "mount blob " + digest.shortForm() + " from " + from.path() + " into " + target;
        URI uri = remote.uri(target.registry(), "/v2/" + target.path() + "/blobs/uploads/?mount="
                + Remote.enc(digest.toString()) + "&from=" + Remote.enc(from.path()));
        List<String> scopes = new ArrayList<>(Remote.push(target));
        scopes.add(Remote.scope(from, "pull"));
        HttpResponse<InputStream> r = remote.send(Call.of("POST", uri, what).auth(target.registry(), scopes)
                .document());
        Responses.discard(r);
        remote.check(r, target.registry(), what, 201, 202);
        if (r.statusCode() == 202) {
            // The registry opened an ordinary upload instead; cancel it so it does not linger.
            r.headers().firstValue("Location").ifPresent(location -> cancel(target, uri.resolve(location)));
            return false;
        }
        return true;
    }

    private void cancel(Repository target, URI upload) {
        try {
            Responses.discard(remote.send(Call.of("DELETE", upload, "cancel upload")
                    .auth(target.registry(), Remote.push(target)).document()));
        } catch (EngineException ignored) {
            // an abandoned upload is cleaned up by the registry's purge
        }
    }
}
