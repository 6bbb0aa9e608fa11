package io.jenkins.plugins.immutable.deploy.haproxy;

import io.jenkins.plugins.immutable.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's runtime API on its admin socket ({@code stats socket ... level admin}): one command per connection, as in
 * HAProxy's non-interactive mode. Changes made here take effect at once, without a reload, and keep open
 * connections.
 */
public final class HAProxyRuntime {

    private final Path socket;

    public HAProxyRuntime(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** Runs one command and returns HAProxy's answer (often empty on success). */
    public String execute(String command) {
        if (command.indexOf('\n') >= 0 || command.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one command at a time: " + command);
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return out.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw EngineException.outage("cannot reach HAProxy's runtime API at " + socket + " (" + e.getMessage()
                    + "); check that HAProxy runs with `stats socket " + socket + " level admin`"
                    + " (scripts/stack up starts one)", e);
        }
    }

    /**
     * Runs a command that changes state and fails when HAProxy refuses it. {@code set server} answers nothing, or a
     * sentence about a changed address, when it succeeds.
     */
    public void change(String command) {
        String answer = execute(command).strip();
        if (!answer.isEmpty() && !answer.contains("changed from") && !answer.startsWith("no need to change")) {
            throw EngineException.badInput("HAProxy refused `" + command + "`: " + answer
                    + "; check that the backend and its server slots are declared as docs/deploy.md describes");
        }
    }

    /** {@code show stat} as rows keyed by column name ({@code pxname}, {@code svname}, {@code scur}, ...). */
    public List<Map<String, String>> stat() {
        return csv(execute("show stat"), "# ");
    }

    /** {@code show servers state <backend>} rows, keyed by column name ({@code srv_name}, {@code srv_addr}, ...). */
    public List<Map<String, String>> serversState(String backend) {
        String answer = execute("show servers state " + backend);
        if (answer.startsWith("Can't find backend")) {
            throw EngineException.badInput("HAProxy at " + socket + " has no backend '" + backend + "'; declare one per"
                    + " environment with server slots (see docs/deploy.md), or start the stack's HAProxy");
        }
        List<String> lines = answer.lines().toList();
        // The first line is the format version; the header follows, space separated and prefixed with '#'.
        StringBuilder body = new StringBuilder();
        for (int i = 1; i < lines.size(); i++) {
            body.append(lines.get(i).replace(' ', ',')).append('\n');
        }
        return csv(body.toString(), "#,");
    }

    private static List<Map<String, String>> csv(String text, String headerPrefix) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith(headerPrefix)) {
            throw EngineException.outage("HAProxy answered something unexpected: "
                    + (lines.isEmpty() ? "nothing" : lines.get(0)), null);
        }
        String[] header = lines.get(0).substring(headerPrefix.length()).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length && i < cells.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }
}
