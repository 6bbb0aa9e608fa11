package io.jenkins.plugins.immutable.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Ledger anchors kept as small JSON files in a directory, one per ledger (the CLI's state directory): written whole
 * or not at all ({@link AtomicFiles}), so a reader never sees half a file.
 */
public final class FileLedgerAnchors implements LedgerAnchors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    public FileLedgerAnchors(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The file of a ledger's anchor: its reference made a file name, with a hash so two never share one. */
    public Path file(LedgerLocation where) {
        String ref = where.toString();
        String name = ref.replaceAll("[^A-Za-z0-9._-]", "_");
        String hash = Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 8);
        return directory.resolve(name + "." + hash + ".json");
    }

    @Override
    public Optional<LedgerAnchor> load(LedgerLocation where) {
        Path file = file(where);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (!where.toString().equals(n.path("ledger").asText())) {
                throw new IOException("it is the anchor of " + n.path("ledger").asText() + ", not of " + where);
            }
            Digest version = n.hasNonNull("version") ? Digest.parse(n.get("version").asText()) : null;
            Digest lastHash = n.hasNonNull("lastHash") ? Digest.parse(n.get("lastHash").asText()) : null;
            int entries = n.path("entries").asInt(-1);
            if (entries < 0 || entries > 0 && lastHash == null) {
                throw new IOException("it has no valid entry count and last hash");
            }
            return Optional.of(new LedgerAnchor(version, entries, lastHash));
        } catch (IOException | RuntimeException e) {
            throw EngineException.integrity("the ledger anchor " + file + " cannot be read (" + e.getMessage()
                    + "): it was damaged or edited. Check the ledger with `immutable history`, and remove the file to"
                    + " trust the ledger as it is now");
        }
    }

    @Override
    public void save(LedgerLocation where, LedgerAnchor anchor) {
        Path file = file(where);
        ObjectNode n = JSON.createObjectNode();
        n.put("ledger", where.toString());
        n.put("version", anchor.version() == null ? null : anchor.version().toString());
        n.put("entries", anchor.entries());
        n.put("lastHash", anchor.lastHash() == null ? null : anchor.lastHash().toString());
        n.put("saved", Instant.now().toString());
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        } catch (IOException e) {
            throw EngineException.badInput("cannot keep the ledger anchor in " + file + ": " + e.getMessage()
                    + ". Make the state directory writable, or point it elsewhere");
        }
    }

    @Override
    public String describe(LedgerLocation where) {
        return file(where).toString();
    }
}
