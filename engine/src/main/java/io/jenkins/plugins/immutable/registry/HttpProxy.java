package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An HTTP proxy that outbound requests (registries, their token services, Prometheus) go through: its address, an
 * optional Basic login, the hosts it is not used for (curl's {@code NO_PROXY}), and the URL schemes it serves (both
 * http and https unless {@link #onlyFor restricted}, as {@code HTTP_PROXY} and {@code HTTPS_PROXY} can name different
 * proxies). Immutable and serializable, so it can travel from the Jenkins controller to an agent; the password never
 * appears in {@link #toString()} or in a message.
 *
 * <p>The clients send the login pre-emptively as {@code Proxy-Authorization} rather than through a
 * {@link java.net.Authenticator}: an Authenticator on a {@code java.net.http.HttpClient} also takes over the
 * registries' own 401 challenges, failing them with "No credentials provided" instead of handing them back. For https
 * targets the JDK sends that header only in the CONNECT that opens the tunnel, and only when Basic is allowed for
 * tunnels, which it is not by default: an administrator whose proxy wants a login for https starts the JVM (the Jenkins
 * controller and agents, or {@code IMMUTABLE_JAVA_OPTS} of {@code bin/immutable}) with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (empty). Plain http targets need nothing.
 *
 * <pre>{@code
 * HttpProxy proxy = HttpProxy.of("proxy.corp", 3128).withCredentials("ci", password)
 *         .withNoProxy("localhost,127.0.0.1,.internal");
 * RegistryClient client = RegistryClient.builder().proxy(proxy).build();
 * }</pre>
 *
 * @param host     the proxy's host name or IP address (an IPv6 address without brackets)
 * @param port     its port
 * @param username the login's user, or null for a proxy without authentication
 * @param password the login's password, null exactly when {@code username} is
 * @param noProxy  hosts reached directly, as curl reads {@code NO_PROXY}: {@code *} for all, a domain (with or without
 *                 a leading dot or {@code *.}) for itself and its subdomains, an IP address, or a CIDR range; lower
 *                 case, no ports
 * @param schemes  the URL schemes sent through the proxy: {@code http}, {@code https}, or both
 */
public record HttpProxy(String host, int port, String username, String password, List<String> noProxy,
                        Set<String> schemes) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Both schemes: a proxy given without saying which scheme it is for serves every request. */
    public static final Set<String> ALL_SCHEMES = Set.of("http", "https");

    /** The JDK's switch for Basic in CONNECT tunnels; Basic is disabled there unless this is set without it. */
    static final String TUNNEL_SCHEMES_PROPERTY = "jdk.http.auth.tunneling.disabledSchemes";

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public HttpProxy {
        if (host == null || host.isBlank() || !host.strip().equals(host) || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("a proxy's host must be a host name or IP address, not '" + host + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port of proxy " + host + " must be 1-65535, not " + port);
        }
        if ((username == null) != (password == null) || (username != null && username.isEmpty())) {
            throw new IllegalArgumentException("a proxy login needs both a user and a password (the password may be"
                    + " empty); give neither for a proxy without authentication");
        }
        noProxy = normalize(noProxy == null ? List.of() : noProxy);
        schemes = schemes == null ? ALL_SCHEMES : Set.copyOf(schemes);
        if (schemes.isEmpty() || !ALL_SCHEMES.containsAll(schemes)) {
            throw new IllegalArgumentException("a proxy serves http, https or both, not " + schemes);
        }
    }

    /** A proxy without login, for every host and both schemes. */
    public static HttpProxy of(String host, int port) {
        return new HttpProxy(host, port, null, null, List.of(), ALL_SCHEMES);
    }

    /**
     * Reads a proxy as curl reads {@code HTTPS_PROXY}: {@code http://[user[:password]@]host[:port]} (user and password
     * URL-encoded; port 1080 when left out, as curl assumes), or without the {@code http://}. The message of a
     * malformed one shows it without its password.
     *
     * @param what where the text came from, for messages (e.g. {@code HTTPS_PROXY})
     */
    public static HttpProxy parse(String url, String what) {
        String text = url == null ? "" : url.strip();
        String shown = redact(text);
        String rest = text;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            String s = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
            if (!s.equals("http")) {
                throw EngineException.badInput(what + " names a " + s + ":// proxy (" + shown + "); only http://"
                        + " proxies are supported: write it as http://[user:password@]host:port");
            }
            rest = rest.substring(scheme + 3);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String login = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = login.indexOf(':');
            user = decode(colon < 0 ? login : login.substring(0, colon), what, shown);
            password = colon < 0 ? "" : decode(login.substring(colon + 1), what, shown);
            if (user.isEmpty()) {
                user = null;
                password = null;
            }
        }
        String host;
        int port = 1080;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw EngineException.badInput(what + " is not a proxy URL (" + shown + "): an IPv6 address needs its"
                        + " closing ']'; write it as http://[user:password@]host:port");
            }
            host = rest.substring(1, close);
            rest = rest.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw EngineException.badInput(what + " is not a proxy URL (" + shown + "); write it as"
                        + " http://[user:password@]host:port");
            }
            rest = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = rest.lastIndexOf(':');
            host = colon < 0 ? rest : rest.substring(0, colon);
            rest = colon < 0 ? "" : rest.substring(colon + 1);
        }
        if (!rest.isEmpty()) {
            try {
                port = Integer.parseInt(rest);
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isEmpty() || port < 1 || port > 65535 || host.contains(":") && !text.contains("[")) {
            throw EngineException.badInput(what + " is not a proxy URL (" + shown + "); write it as"
                    + " http://[user:password@]host:port");
        }
        return new HttpProxy(host, port, user, password, List.of(), ALL_SCHEMES);
    }

    /** The same proxy with a Basic login; the password may be empty, never null. */
    public HttpProxy withCredentials(String user, String pass) {
        return new HttpProxy(host, port, Objects.requireNonNull(user, "user"), Objects.requireNonNull(pass, "pass"),
                noProxy, schemes);
    }

    /** The same proxy without a login. */
    public HttpProxy withoutCredentials() {
        return new HttpProxy(host, port, null, null, noProxy, schemes);
    }

    /** The same proxy with these hosts reached directly, comma-separated as in curl's {@code NO_PROXY}. */
    public HttpProxy withNoProxy(String commaSeparated) {
        return withNoProxy(commaSeparated == null ? List.of() : Arrays.asList(commaSeparated.split(",")));
    }

    /** The same proxy with these hosts reached directly (see {@link #noProxy()}). */
    public HttpProxy withNoProxy(Collection<String> patterns) {
        return new HttpProxy(host, port, username, password, List.copyOf(patterns), schemes);
    }

    /** The same proxy for one scheme only ({@code http} or {@code https}), as {@code HTTP_PROXY} names one. */
    public HttpProxy onlyFor(String scheme) {
        return new HttpProxy(host, port, username, password, noProxy,
                Set.of(Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT)));
    }

    /** {@code host:port}, as messages show the proxy ({@code [v6]:port} for an IPv6 address). */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** Whether a request to {@code uri} goes through this proxy: its scheme is served and its host not exempted. */
    public boolean appliesTo(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return schemes.contains(scheme) && uri.getHost() != null && !exempts(uri.getHost());
    }

    /** Whether {@code host} is reached directly, by {@link #noProxy()}. */
    public boolean exempts(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        byte[] ip = literal(h);
        for (String pattern : noProxy) {
            if (pattern.equals("*")) {
                return true;
            }
            int slash = pattern.indexOf('/');
            if (slash > 0) {
                if (ip != null && inRange(ip, pattern.substring(0, slash), pattern.substring(slash + 1))) {
                    return true;
                }
                continue;
            }
            byte[] patternIp = literal(pattern);
            if (patternIp != null) {
                if (ip != null && Arrays.equals(ip, patternIp)) {
                    return true;
                }
                continue;
            }
            String domain = pattern.startsWith("*.") ? pattern.substring(2)
                    : pattern.startsWith(".") ? pattern.substring(1) : pattern;
            if (h.equals(domain) || h.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    /** What an {@code java.net.http.HttpClient} is given to send the requests this proxy serves through it. */
    public ProxySelector selector() {
        return selector(List.of(this));
    }

    /**
     * A selector over several proxies (one per scheme at most, see {@link #checkSchemes}): a request goes through the
     * first that {@link #appliesTo applies to} it, directly when none does. It resolves the proxy's name per request,
     * so a proxy that moves is followed.
     */
    public static ProxySelector selector(List<HttpProxy> proxies) {
        List<HttpProxy> all = List.copyOf(proxies);
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return forUri(all, uri).map(p -> List.of(new Proxy(Proxy.Type.HTTP,
                        new InetSocketAddress(p.host(), p.port())))).orElse(List.of(Proxy.NO_PROXY));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // the request fails with the connection error, which says which proxy; nothing to fall back to
            }
        };
    }

    /** The proxy of {@code proxies} that a request to {@code uri} goes through, or empty for a direct request. */
    public static Optional<HttpProxy> forUri(List<HttpProxy> proxies, URI uri) {
        for (HttpProxy p : proxies) {
            if (p.appliesTo(uri)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Fails when two proxies serve the same scheme: which one a request took would depend on their order. */
    public static void checkSchemes(List<HttpProxy> proxies) {
        Set<String> seen = new TreeSet<>();
        for (HttpProxy p : proxies) {
            for (String s : p.schemes()) {
                if (!seen.add(s)) {
                    throw new IllegalArgumentException("two proxies serve " + s + " (" + proxies + "); give one proxy"
                            + " per scheme, or one for both");
                }
            }
        }
    }

    /**
     * The {@code Proxy-Authorization} header's value for this proxy's login, or empty without one. A secret: send it,
     * never log it.
     */
    public Optional<String> proxyAuthorization() {
        if (username == null) {
            return Optional.empty();
        }
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * An Authenticator that gives this proxy's login to this proxy and to no one else (it answers only
     * {@link java.net.Authenticator.RequestorType#PROXY} requests for this host and port), for clients that leave 401s
     * to it, such as {@code HttpURLConnection}. Not for a {@code java.net.http.HttpClient} whose caller handles 401s
     * itself, as the registry client does: see the class comment.
     */
    public java.net.Authenticator authenticator() {
        HttpProxy proxy = this;
        return new java.net.Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY || !proxy.hasCredentials()
                        || getRequestingPort() != proxy.port()
                        || !proxy.isHost(getRequestingHost(), getRequestingSite())) {
                    return null;
                }
                return new PasswordAuthentication(proxy.username(), proxy.password().toCharArray());
            }
        };
    }

    private boolean isHost(String name, InetAddress address) {
        if (name != null && name.equalsIgnoreCase(host)) {
            return true;
        }
        byte[] ip = literal(host.toLowerCase(Locale.ROOT));
        return address != null && ip != null && Arrays.equals(address.getAddress(), ip);
    }

    /**
     * Whether a response is the proxy turning the request away for its login: a 407, or the 401 with a
     * {@code WWW-Authenticate} that tinyproxy before 1.11.2 sends for a wrong password (tinyproxy issue 532). Only
     * meaningful for a request that went through the proxy.
     */
    public static boolean isRefusal(int status, HttpHeaders headers) {
        return status == 407 || status == 401 && headers.firstValue("Server")
                .map(s -> s.toLowerCase(Locale.ROOT).startsWith("tinyproxy")).orElse(false);
    }

    /**
     * The error for a {@link #isRefusal refusal} of a request to {@code target}: what the proxy wants and what to set,
     * never the password.
     *
     * @param what what the request was for, e.g. {@code get manifest ...}
     */
    public EngineException refused(URI target, int status, String what) {
        String answer = status == 407 ? "407 Proxy Authentication Required"
                : "HTTP " + status + ", which is how this tinyproxy says 407 Proxy Authentication Required";
        boolean tunnel = "https".equalsIgnoreCase(target.getScheme());
        String fix = "set the proxy user and password it accepts (the CLI reads them from"
                + " HTTPS_PROXY/HTTP_PROXY=http://user:password@" + address() + "; Jenkins from its HTTP proxy"
                + " configuration)";
        String start = hasCredentials()
                ? "the proxy " + address() + " refused the credentials of user "
                        + RegistryCredentials.shownUser(username, false) + " (" + answer + ")"
                : "the proxy " + address() + " requires authentication (" + answer + ") and none is configured";
        String message = start + " to " + what + ": " + fix
                + (tunnel && basicDisabledInTunnels() ? "; for https, also start the JVM with -D"
                + TUNNEL_SCHEMES_PROPERTY + "= (empty), as Java leaves Basic out of CONNECT tunnels by default" : "");
        if (tunnel && hasCredentials() && basicDisabledInTunnels()) {
            message = "the proxy " + address() + " asked for its login (" + answer + ") to " + what + ", which the"
                    + " JVM did not send: for https the login goes in the CONNECT tunnel, where Java disables Basic by"
                    + " default. Start the JVM with -D" + TUNNEL_SCHEMES_PROPERTY + "= (empty), then try again";
        }
        return EngineException.badInput(message);
    }

    /** Whether the JDK leaves Basic out of CONNECT requests (its default): checked when a tunnel was refused. */
    static boolean basicDisabledInTunnels() {
        String disabled = System.getProperty(TUNNEL_SCHEMES_PROPERTY, "Basic");
        for (String s : disabled.split(",")) {
            if (s.strip().equalsIgnoreCase("Basic")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "HttpProxy[" + address()
                + (username == null ? "" : ", user " + RegistryCredentials.shownUser(username, false) + ", password ****")
                + (noProxy.isEmpty() ? "" : ", no proxy for " + String.join(",", noProxy))
                + (schemes.size() == ALL_SCHEMES.size() ? ""
                : ", " + String.join(",", new TreeSet<>(schemes)) + " only")
                + "]";
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static List<String> normalize(List<String> patterns) {
        List<String> out = new ArrayList<>();
        for (String p : patterns) {
            String s = p == null ? "" : p.strip().toLowerCase(Locale.ROOT);
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
            if (!s.isEmpty() && !out.contains(s)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** The bytes of an IP address literal, or null for a host name; never a DNS lookup. */
    private static byte[] literal(String text) {
        if (!IPV4.matcher(text).matches() && !(text.contains(":") && text.matches("[0-9a-f:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean inRange(byte[] ip, String network, String bits) {
        byte[] net = literal(network);
        int prefix;
        try {
            prefix = Integer.parseInt(bits);
        } catch (NumberFormatException e) {
            return false;
        }
        if (net == null || net.length != ip.length || prefix < 0 || prefix > ip.length * 8) {
            return false;
        }
        for (int i = 0; i < prefix; i++) {
            int mask = 0x80 >> (i % 8);
            if ((ip[i / 8] & mask) != (net[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String part, String what, String shown) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw EngineException.badInput(what + " has a malformed %-escape in its user or password (" + shown
                    + "); encode special characters as %XX");
        }
    }

    /** The URL with its password as {@code ****}, and its user too unless it looks like one, for messages. */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = url.lastIndexOf('@');
        if (at < start) {
            return url;
        }
        int colon = url.indexOf(':', start);
        boolean password = colon >= 0 && colon < at;
        String user = url.substring(start, password ? colon : at);
        // A password alone before the '@' (http://s3cret@proxy) would be the "user": show only what looks like one.
        return url.substring(0, start) + (RegistryCredentials.looksLikeUserName(user) ? user : "****")
                + (password ? ":****" : "") + url.substring(at);
    }
}
