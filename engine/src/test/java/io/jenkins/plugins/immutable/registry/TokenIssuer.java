package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token service for the stack's token registry (docker-registry with {@code auth.token}): checks a username and
 * password, and issues RS256 JWTs signed with the key the stack generated, carrying its certificate in {@code x5c},
 * which the registry verifies against the same certificate as its root. It listens on the realm the registry names
 * (127.0.0.1:5106), so one test at a time holds it; a second waits for the port.
 */
final class TokenIssuer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String user;
    private final String password;
    private final PrivateKey key;
    private final String certificate;
    /** Token requests per scope set, e.g. "repository:a:pull,push". */
    final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
    final List<String> services = new ArrayList<>();
    /** Every token issued, for tests that look for them where they must not be. */
    final List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>());

    private TokenIssuer(String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        String pem = Files.readString(Path.of(Stack.require("IMMUTABLE_TOKEN_KEY_FILE")));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        try (var in = Files.newInputStream(Path.of(Stack.require("IMMUTABLE_TOKEN_CERT_FILE")))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            this.certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
        }
        int port = Integer.parseInt(Stack.require("IMMUTABLE_TOKEN_REALM_PORT"));
        HttpServer bound = null;
        for (long deadline = System.nanoTime() + 60_000_000_000L; bound == null; ) {
            try {
                bound = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            } catch (BindException busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.sleep(200);
            }
        }
        server = bound;
        server.createContext("/token", exchange -> {
            try {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                String expected = "Basic " + Base64.getEncoder().encodeToString(
                        (this.user + ":" + this.password).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(auth)) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                List<String> scopes = new ArrayList<>();
                String query = exchange.getRequestURI().getRawQuery();
                String service = null;
                for (String pair : query == null ? new String[0] : query.split("&")) {
                    String[] kv = pair.split("=", 2);
                    String value = URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8);
                    if (kv[0].equals("scope")) {
                        scopes.add(value);
                    } else if (kv[0].equals("service")) {
                        service = value;
                    }
                }
                synchronized (services) {
                    services.add(service);
                }
                issued.computeIfAbsent(String.join(" ", scopes), s -> new AtomicInteger()).incrementAndGet();
                String token = jwt(service, scopes);
                tokens.add(token);
                byte[] body = JSON.writeValueAsBytes(Map.of("token", token, "expires_in", 300));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    static TokenIssuer start(String user, String password) throws Exception {
        return new TokenIssuer(user, password);
    }

    int issuedFor(String scopes) {
        AtomicInteger n = issued.get(scopes);
        return n == null ? 0 : n.get();
    }

    private String jwt(String service, List<String> scopes) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(certificate);
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = JSON.createObjectNode().put("iss", Stack.require("IMMUTABLE_TOKEN_ISSUER")).put("sub", user)
                .put("aud", service).put("exp", now + 300).put("nbf", now - 10).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (String scope : scopes) {
            String[] parts = scope.split(":");
            ObjectNode grant = access.addObject().put("type", parts[0]).put("name", parts[1]);
            ArrayNode actions = grant.putArray("actions");
            for (String action : parts[2].split(",")) {
                actions.add(action);
            }
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rsa.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
