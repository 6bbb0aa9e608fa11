package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Authentication per registry: learns each registry's scheme from its first 401 challenge, then sends Basic
 * credentials or a bearer token pre-emptively. Bearer tokens come from the challenge's realm for the scopes a request
 * needs, and are cached per registry and scope until shortly before they expire. Thread-safe.
 */
final class Authenticator {

    /** A token is renewed this long before the service says it expires, so it does not run out mid-request. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

    private record Token(String value, Instant expires) {
    }

    private final Function<String, RegistryCredentials> credentials;
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> fetching = new ConcurrentHashMap<>();
    private Transport transport;

    Authenticator(Function<String, RegistryCredentials> credentials) {
        this.credentials = credentials;
    }

    void attach(Transport t) {
        this.transport = t;
    }

    RegistryCredentials credentialsFor(String registry) {
        RegistryCredentials c = credentials.apply(registry);
        return c == null ? RegistryCredentials.anonymous() : c;
    }

    /** The Authorization header to send pre-emptively, or null when none is known to be needed yet. */
    String authorization(String registry, List<String> scopes) {
        Challenge challenge = challenges.get(registry);
        if (challenge == null) {
            return null;
        }
        RegistryCredentials creds = credentialsFor(registry);
        if (challenge.isBasic()) {
            return basic(creds);
        }
        if (creds.kind() == RegistryCredentials.Kind.BEARER_TOKEN) {
            return "Bearer " + creds.secret();
        }
        String key = key(registry, scopes);
        Token token = tokens.get(key);
        if (token == null || Instant.now().isAfter(token.expires())) {
            // One login per scope, even when several blob transfers ask at the same moment.
            synchronized (fetching.computeIfAbsent(key, k -> new Object())) {
                token = tokens.get(key);
                if (token == null || Instant.now().isAfter(token.expires())) {
                    token = fetchToken(registry, challenge, scopes);
                }
            }
        }
        return "Bearer " + token.value();
    }

    /**
     * Learns from a 401's challenges. Returns true when a retry can now carry authorization it did not carry before;
     * false when there is nothing new to try (the caller reports the 401).
     */
    boolean onChallenge(String registry, List<String> scopes, List<String> wwwAuthenticate, String sentAuthorization) {
        List<Challenge> parsed = Challenge.parse(wwwAuthenticate);
        Challenge chosen = parsed.stream().filter(Challenge::isBearer).findFirst()
                .orElse(parsed.stream().filter(Challenge::isBasic).findFirst().orElse(null));
        if (chosen == null) {
            return false;
        }
        challenges.put(registry, chosen);
        RegistryCredentials creds = credentialsFor(registry);
        if (chosen.isBasic()) {
            return !creds.isAnonymous() && sentAuthorization == null;
        }
        if (creds.kind() == RegistryCredentials.Kind.BEARER_TOKEN) {
            return sentAuthorization == null;
        }
        // The registry may ask for more than we knew to ask for (its scope parameter); ask for both.
        List<String> wanted = new ArrayList<>(scopes);
        String challengeScope = chosen.param("scope");
        if (challengeScope != null) {
            for (String s : challengeScope.split(" ")) {
                if (!s.isBlank() && !wanted.contains(s)) {
                    wanted.add(s);
                }
            }
        }
        tokens.remove(key(registry, scopes));
        Token token = fetchToken(registry, chosen, wanted);
        tokens.put(key(registry, scopes), token);
        return !("Bearer " + token.value()).equals(sentAuthorization);
    }

    private static String key(String registry, List<String> scopes) {
        return registry + " " + String.join(" ", new TreeSet<>(scopes));
    }

    private static String basic(RegistryCredentials creds) {
        if (creds.kind() != RegistryCredentials.Kind.USERNAME_PASSWORD) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString(
                (creds.username() + ":" + creds.secret()).getBytes(StandardCharsets.UTF_8));
    }

    private Token fetchToken(String registry, Challenge challenge, List<String> scopes) {
        String realm = challenge.param("realm");
        if (realm == null || realm.isBlank()) {
            throw EngineException.badInput("registry " + registry + " asks for a bearer token but names no token"
                    + " service (realm) in its challenge; check the registry's auth configuration");
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw EngineException.badInput("registry " + registry + " names an invalid token service URL: " + realm);
        }
        RegistryCredentials creds = credentialsFor(registry);
        if ("http".equals(realmUri.getScheme()) && !creds.isAnonymous()
                && !transport.hosts().isInsecure(Hosts.registryOf(realmUri))) {
            throw EngineException.badInput("registry " + registry + " sends logins to " + realm + " over plain HTTP;"
                    + " credentials are not sent there. Use an https token service, or mark "
                    + Hosts.registryOf(realmUri) + " insecure if it is a trusted local host");
        }
        StringBuilder query = new StringBuilder();
        String service = challenge.param("service");
        if (service != null) {
            query.append("service=").append(enc(service));
        }
        for (String scope : scopes) {
            query.append(query.length() == 0 ? "" : "&").append("scope=").append(enc(scope));
        }
        String what = "get a token from " + realmUri.getHost() + " for registry " + registry;
        Transport.Call call;
        if (creds.kind() == RegistryCredentials.Kind.IDENTITY_TOKEN) {
            String form = "grant_type=refresh_token&client_id=immutable-delivery&refresh_token=" + enc(creds.secret())
                    + (query.length() == 0 ? "" : "&" + query);
            call = Transport.Call.of("POST", realmUri, what)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(Transport.Body.of(form.getBytes(StandardCharsets.UTF_8)));
        } else {
            String sep = realm.contains("?") ? "&" : "?";
            call = Transport.Call.of("GET", URI.create(realm + (query.length() == 0 ? "" : sep + query)), what);
            String basic = basic(creds);
            if (basic != null) {
                call = call.header("Authorization", basic);
            }
        }
        HttpResponse<InputStream> response = transport.sendRaw(call.timeout(Duration.ofSeconds(30)));
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                throw unauthorized(registry, creds, "its token service " + realmUri.getHost() + " answered HTTP "
                        + status);
            }
            if (status / 100 != 2) {
                throw EngineException.outage("the token service of registry " + registry + " (" + realmUri.getHost()
                        + ") answered HTTP " + status + "; try again later, or check the registry's auth service", null);
            }
            JsonNode json = Transport.MAPPER.readTree(body.readNBytes(1024 * 1024));
            String token = json.path("token").asText(null);
            if (token == null || token.isEmpty()) {
                token = json.path("access_token").asText(null);
            }
            if (token == null || token.isEmpty()) {
                throw EngineException.outage("the token service of registry " + registry + " answered without a"
                        + " token; check the registry's auth service", null);
            }
            long expiresIn = Math.max(json.path("expires_in").asLong(60), 60);
            Instant expires = Instant.now().plusSeconds(expiresIn).minus(EXPIRY_MARGIN);
            Token t = new Token(token, expires);
            tokens.put(key(registry, scopes), t);
            return t;
        } catch (IOException e) {
            throw EngineException.outage("reading the token from registry " + registry + "'s token service failed: "
                    + e.getMessage(), e);
        }
    }

    static EngineException unauthorized(String registry, RegistryCredentials creds, String detail) {
        if (creds.isAnonymous()) {
            return EngineException.badInput("unauthorized: registry " + registry + " requires authentication ("
                    + detail + "); configure credentials for " + registry
                    + " (a registry credential, or `docker login " + registry + "`)");
        }
        return EngineException.badInput("unauthorized: registry " + registry + " refused the credentials of "
                + creds.describe() + " (" + detail + "); check the username and password or token configured for "
                + registry);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
