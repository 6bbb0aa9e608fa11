package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/** Turns a registry's error answer (status and its {@code {"errors":[{code,message}]}} body) into a clear error. */
final class RegistryErrors {

    private RegistryErrors() {
    }

    /** The first error code in the body, or null. */
    record Parsed(String code, String message) {
    }

    /** The first error of the body, or the body as text. */
    private static Parsed parse(byte[] body) {
        try {
            JsonNode first = Responses.JSON.readTree(body).path("errors").path(0);
            if (first.isObject()) {
                return new Parsed(first.path("code").asText(null), first.path("message").asText(null));
            }
        } catch (Exception notJson) {
            // fall through
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return new Parsed(null, text.isEmpty() ? null : text);
    }

    private static String cut(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /**
     * The registry's own words with the credentials taken out: a registry may echo the user name it refused (which
     * may be a password put in the user field by mistake), or worse. Done before the text is cut, so no part of a
     * secret is left at the cut.
     */
    static String scrub(String text, RegistryCredentials creds) {
        if (text == null || creds == null || creds.isAnonymous()) {
            return text;
        }
        List<String> secrets = new ArrayList<>();
        secrets.add(creds.secret());
        if (creds.username() != null) {
            secrets.add(Base64.getEncoder().encodeToString((creds.username() + ":" + creds.secret())
                    .getBytes(StandardCharsets.UTF_8)));
            if (!RegistryCredentials.looksLikeUserName(creds.username())) {
                secrets.add(creds.username());
            }
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        String result = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, "****");
            }
        }
        return result;
    }

    /**
     * Passes an answer whose status is one of {@code expected}; for any other, throws the registry's error for
     * {@code what} on {@code registry} (as {@link #of(HttpResponse, String, String, RegistryCredentials)}), its body
     * read and closed. The one check of every operation's answer. The credentials are looked up only for an error:
     * finding them may run a credential helper.
     */
    static void check(HttpResponse<InputStream> response, String registry, String what,
                      Supplier<RegistryCredentials> creds, int... expected) {
        if (!isOneOf(response.statusCode(), expected)) {
            throw of(response, registry, what, creds.get());
        }
    }

    /** As {@link #check}, for an answer whose body is the HTTP client's flow of buffers. */
    static void checkFlow(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response, String registry, String what,
                          Supplier<RegistryCredentials> creds, int... expected) {
        if (!isOneOf(response.statusCode(), expected)) {
            throw of(response.statusCode(), Responses.readPublisher(response), registry, what, creds.get());
        }
    }

    private static boolean isOneOf(int status, int... expected) {
        for (int e : expected) {
            if (status == e) {
                return true;
            }
        }
        return false;
    }

    /**
     * The error for an unexpected answer to {@code what} (e.g. "get manifest r/a:1") on {@code registry}, with
     * {@code creds} (the registry's, or null) kept out of what the registry said; reads and closes the body.
     */
    static EngineException of(HttpResponse<InputStream> response, String registry, String what,
                              RegistryCredentials creds) {
        int status = response.statusCode();
        byte[] body;
        try {
            body = Responses.readSmall(response, Responses.MAX_ERROR_BYTES, what);
        } catch (EngineException unreadable) {
            body = new byte[0]; // a HEAD answer, or a body already discarded: the status says enough
        }
        return of(status, body, registry, what, creds);
    }

    /** As {@link #of(HttpResponse, String, String, RegistryCredentials)} from a status and a body already read. */
    static EngineException of(int status, byte[] body, String registry, String what, RegistryCredentials creds) {
        Parsed whole = parse(body);
        Parsed p = new Parsed(whole.code(), cut(scrub(whole.message(), creds)));
        String code = p.code() == null ? "" : p.code();
        String said = " (HTTP " + status + (code.isEmpty() ? "" : " " + cut(scrub(code, creds)))
                + (p.message() == null ? "" : ": " + p.message()) + ")";
        switch (code) {
            case "MANIFEST_UNKNOWN":
                return EngineException.badInput("manifest unknown: registry " + registry + " has no manifest for "
                        + what + said + "; check the repository, tag or digest");
            case "NAME_UNKNOWN":
                return EngineException.badInput("repository unknown: registry " + registry + " has no repository for "
                        + what + said + "; check the repository name");
            case "BLOB_UNKNOWN":
                return EngineException.badInput("blob unknown: registry " + registry + " does not have the blob for "
                        + what + said + "; push the image's blobs first");
            case "MANIFEST_BLOB_UNKNOWN":
                return EngineException.badInput("registry " + registry + " refused to " + what + " because a blob it"
                        + " references is missing" + said + "; push every layer and the config before the manifest");
            case "DIGEST_INVALID":
                return EngineException.integrity("registry " + registry + " refused to " + what + ": the bytes do not"
                        + " match their digest" + said + "; the content is corrupt or not what it claims to be");
            case "SIZE_INVALID":
                return EngineException.integrity("registry " + registry + " refused to " + what + ": the size does not"
                        + " match" + said);
            case "MANIFEST_INVALID", "MANIFEST_UNVERIFIED", "NAME_INVALID", "TAG_INVALID":
                return EngineException.badInput("registry " + registry + " refused to " + what + said
                        + "; fix the manifest or name it rejected");
            case "DENIED":
                return EngineException.badInput("denied: registry " + registry + " does not allow to " + what + said
                        + "; use credentials with that permission, or ask the registry's administrator");
            case "UNSUPPORTED":
                return EngineException.badInput("registry " + registry + " does not support the request to " + what
                        + said);
            case "TOOMANYREQUESTS":
                return EngineException.outage("registry " + registry + " keeps rate-limiting the request to " + what
                        + said + "; try again later, or authenticate to get a higher limit", null);
            default:
                break;
        }
        if (status == 404) {
            return EngineException.badInput("not found: registry " + registry + " has nothing for " + what + said
                    + "; check the name, tag or digest");
        }
        if (status == 403) {
            return EngineException.badInput("denied: registry " + registry + " does not allow to " + what + said
                    + "; use credentials with that permission, or ask the registry's administrator");
        }
        if (status == 405) {
            return EngineException.badInput("registry " + registry + " does not allow to " + what + said
                    + " (the operation is disabled or unsupported there)");
        }
        if (status == 429 || status >= 500) {
            return EngineException.outage("registry " + registry + " failed to " + what + said
                    + ", also after retries; try again later", null);
        }
        return EngineException.badInput("registry " + registry + " refused to " + what + said);
    }
}
