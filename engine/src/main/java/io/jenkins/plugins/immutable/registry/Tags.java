package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A repository's tags, page after page as the registry's {@code Link} headers lead. */
final class Tags {

    private static final int MAX_PAGE_BYTES = 16 * 1024 * 1024;

    private final Remote remote;

    Tags(Remote remote) {
        this.remote = remote;
    }

    /** Every tag of the repository, asking for pages of {@code pageSize}; empty when the repository does not exist. */
    List<String> list(Repository repo, int pageSize) {
        List<String> tags = new ArrayList<>();
        URI next = remote.uri(repo.registry(), "/v2/" + repo.path() + "/tags/list?n=" + pageSize);
        Set<URI> seen = new HashSet<>();
        String what = "list the tags of " + repo;
        while (next != null && seen.add(next)) {
            HttpResponse<InputStream> r = remote.send(Call.of("GET", next, what).auth(repo.registry(),
                    Remote.pull(repo)).document());
            if (r.statusCode() == 404) {
                Responses.discard(r);
                return tags;
            }
            remote.check(r, repo.registry(), what, 200);
            try {
                Responses.JSON.readTree(Responses.readSmall(r, MAX_PAGE_BYTES, what)).path("tags")
                        .forEach(t -> tags.add(t.asText()));
            } catch (IOException e) {
                throw EngineException.outage("registry " + repo.registry() + " sent a tag list that is not JSON", e);
            }
            next = remote.nextPage(repo.registry(), r);
        }
        return tags;
    }
}
