package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A journal in a folder: one JSON file per environment ({@code <environment>.json}), replaced atomically, with a lock
 * file so that processes on one machine save one at a time and a stale revision is refused. For the CLI on one machine
 * and for tests; where several machines deploy, use the ledger's journal in the registry.
 */
public final class FileDeploymentJournal implements DeploymentJournal {

    private final Path folder;

    public FileDeploymentJournal(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    @Override
    public Optional<DeploymentState> load(String environment) {
        Path file = file(environment);
        try {
            return Files.exists(file) ? Optional.of(DeploymentStateJson.fromJson(Files.readAllBytes(file),
                    file.toString())) : Optional.empty();
        } catch (IOException e) {
            throw EngineException.outage("cannot read the deployment journal " + file + ": " + e.getMessage()
                    + "; check the folder's permissions and disk", e);
        }
    }

    @Override
    public void save(DeploymentState state) {
        Path file = file(state.environment());
        try {
            Files.createDirectories(folder);
            try (FileChannel lockChannel = FileChannel.open(folder.resolve(state.environment() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                long stored = load(state.environment()).map(DeploymentState::revision).orElse(0L);
                if (stored != state.revision() - 1) {
                    DeploymentState other = load(state.environment()).orElse(null);
                    throw EngineException.refused("the deployment journal of " + state.environment() + " moved on"
                            + " to revision " + stored + " while this process was at " + (state.revision() - 1)
                            + (other == null ? "" : " (" + other + ")") + "; another process owns the deployment:"
                            + " let it finish, or stop it and resume here");
                }
                Path temp = Files.createTempFile(folder, state.environment(), ".tmp");
                Files.write(temp, DeploymentStateJson.toJson(state));
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw EngineException.outage("cannot write the deployment journal " + file + ": " + e.getMessage()
                    + "; check the folder's permissions and disk", e);
        }
    }

    private Path file(String environment) {
        return folder.resolve(Environments.requireValidName(environment) + ".json");
    }
}
