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
import java.util.Locale;
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
            throw EngineException.badInput("registry " + registry + " names an invalid token service URL: "
                    + shown(realm) + "; check the registry's auth configuration (its token realm)");
        }
        String scheme = realmUri.getScheme() == null ? "" : realmUri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || realmUri.getHost() == null) {
            throw EngineException.badInput("registry " + registry + " names a token service that is not an http(s)"
                    + " URL with a host: " + shown(realm) + "; check the registry's auth configuration (its token"
                    + " realm)");
        }
        RegistryCredentials creds = credentialsFor(registry);
        if (!creds.isAnonymous() && !mayReceiveCredentials(registry, realmUri)) {
            throw EngineException.badInput("registry " + registry + " asks for a login at the token service "
                    + shown(realm) + ", which is plain HTTP " + (sameHost(registry, realmUri) ? "while the registry"
                    + " itself is reached over TLS" : "to another host than the registry's") + "; the credentials of "
                    + creds.describe() + " are not sent there, as anyone on the way could read them, and a registry"
                    + " must not be able to send them to a host of its choosing. Serve the token service over https,"
                    + " or, for a trusted registry on plain HTTP, on the registry's own host ("
                    + Hosts.hostOf(registry) + ")");
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
        Call call;
        if (creds.kind() == RegistryCredentials.Kind.IDENTITY_TOKEN) {
            String form = "grant_type=refresh_token&client_id=immutable-delivery&refresh_token=" + enc(creds.secret())
                    + (query.length() == 0 ? "" : "&" + query);
            call = Call.of("POST", realmUri, what)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(Call.Body.of(form.getBytes(StandardCharsets.UTF_8)));
        } else {
            String sep = realm.contains("?") ? "&" : "?";
            call = Call.of("GET", URI.create(realm + (query.length() == 0 ? "" : sep + query)), what);
            String basic = basic(creds);
            if (basic != null) {
                call = call.header("Authorization", basic);
            }
        }
        HttpResponse<InputStream> response = transport.send(call.document());
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
            JsonNode json = Responses.JSON.readTree(body.readNBytes(1024 * 1024));
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

    /**
     * Whether a login may go to this token service: over TLS, or over plain HTTP to the registry's own host when that
     * registry is itself used over plain HTTP (insecure as configured, or loopback), where the login goes in the clear
     * anyway. Never to another host over plain HTTP: the realm is the registry's word, and marking the realm's host
     * insecure does not make the registry's say-so trustworthy.
     */
    private boolean mayReceiveCredentials(String registry, URI realm) {
        if ("https".equalsIgnoreCase(realm.getScheme())) {
            return true;
        }
        return sameHost(registry, realm) && transport.hosts().isInsecure(registry);
    }

    private static boolean sameHost(String registry, URI realm) {
        return Hosts.hostOf(registry).equalsIgnoreCase(realm.getHost());
    }

    /** A realm as the registry sent it, cut short: it is the registry's text, not ours. */
    private static String shown(String realm) {
        return realm.length() > 200 ? realm.substring(0, 200) + "..." : realm;
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
