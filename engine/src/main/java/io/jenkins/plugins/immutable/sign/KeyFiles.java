package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Key pairs on disk in the files cosign reads and writes: {@code cosign.key} (the private key in cosign's encrypted
 * format, owner-only permissions) and {@code cosign.pub} (the PKIX public key PEM). Existing files are never
 * overwritten, so a generated key cannot silently replace one that signatures were made with.
 */
public final class KeyFiles {

    /** The names cosign gives the pair. */
    public static final String PRIVATE_KEY_FILE = "cosign.key";
    public static final String PUBLIC_KEY_FILE = "cosign.pub";

    private KeyFiles() {
    }

    /** Generates a pair into {@code directory/cosign.key} and {@code directory/cosign.pub}. */
    public static VerificationKey generate(Path directory, char[] password) {
        return generate(directory.resolve(PRIVATE_KEY_FILE), directory.resolve(PUBLIC_KEY_FILE), password);
    }

    /**
     * Generates a pair, writes the private key encrypted under the password and the public key, and returns the
     * public key. Neither file may exist yet. The caller keeps ownership of {@code password}.
     */
    public static VerificationKey generate(Path privateKeyFile, Path publicKeyFile, char[] password) {
        for (Path file : List.of(privateKeyFile, publicKeyFile)) {
            if (Files.exists(file)) {
                throw EngineException.badInput(file + " already exists; it may be the key that existing signatures"
                        + " were made with, so it is not overwritten. Choose another path or remove it yourself");
            }
        }
        try (SigningKey key = SigningKey.generate()) {
            write(privateKeyFile, key.toEncryptedPem(password), true);
            try {
                write(publicKeyFile, key.publicKey().toPem(), false);
            } catch (EngineException e) {
                deleteQuietly(privateKeyFile);
                throw e;
            }
            return key.publicKey();
        }
    }

    /** Reads a private key file (cosign's encrypted format, PKCS#8 or SEC1). */
    public static SigningKey readSigningKey(Path file, char[] password) {
        return SigningKey.fromPem(read(file, "private key"), password, file.toString());
    }

    /** Reads every public key in a file (a PEM file may list several trusted keys). */
    public static List<VerificationKey> readPublicKeys(Path file) {
        return VerificationKey.allFromPem(read(file, "public key"), file.toString());
    }

    private static String read(Path file, String what) {
        try {
            // One character per byte: a byte outside ASCII is then reported by the PEM reader with its line and
            // column, rather than failing the read as if the file could not be opened.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw EngineException.badInput("the " + what + " file " + file + " does not exist; check the path");
        } catch (IOException e) {
            throw EngineException.badInput("the " + what + " file " + file + " cannot be read (" + e.getClass()
                    .getSimpleName() + "); check its permissions");
        }
    }

    private static void write(Path file, String content, boolean ownerOnly) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (ownerOnly && parent != null && Files.getFileStore(parent).supportsFileAttributeView("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(content.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (FileAlreadyExistsException e) {
            throw EngineException.badInput(file + " already exists; choose another path or remove it yourself");
        } catch (IOException e) {
            deleteQuietly(file);
            throw EngineException.badInput("cannot write " + file + " (" + e.getClass().getSimpleName()
                    + "); check that its directory is writable");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to undo
        }
    }
}
