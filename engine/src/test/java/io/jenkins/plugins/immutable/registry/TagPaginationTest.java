package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.immutable.image.Repository;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Test;

/**
 * Tag lists that come in pages linked by {@code Link: <...>; rel="next"}. Debian's registry 2.8.2, the one that runs
 * here, answers every tag list in one page whatever {@code n} asks, so the paging is served by the smallest HTTP
 * server that speaks this one endpoint as the distribution spec describes it (the way registries such as Harbor and
 * distribution 3 page).
 */
public class TagPaginationTest {

    private HttpServer server;

    @After
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    public void tagListsFollowLinkHeadersAcrossPages() throws Exception {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add("v" + i);
        }
        List<String> requested = new ArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/team/app/tags/list", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            requested.add(query);
            int n = Integer.parseInt(query.replaceAll(".*\\bn=(\\d+).*", "$1"));
            String last = query.contains("last=") ? query.replaceAll(".*\\blast=([^&]+).*", "$1") : null;
            int from = last == null ? 0 : all.indexOf(last) + 1;
            List<String> page = all.subList(from, Math.min(all.size(), from + n));
            if (from + n < all.size()) {
                exchange.getResponseHeaders().add("Link", "</v2/team/app/tags/list?n=" + n + "&last="
                        + page.get(page.size() - 1) + ">; rel=\"next\"");
            }
            byte[] body = ("{\"name\":\"team/app\",\"tags\":[\"" + String.join("\",\"", page) + "\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        RegistryClient client = RegistryClient.builder().build();
        Repository repo = new Repository("127.0.0.1:" + server.getAddress().getPort(), "team/app");

        assertEquals(all, client.listTags(repo, 3));
        assertEquals(List.of("n=3", "n=3&last=v2", "n=3&last=v5"), requested);
    }
}
