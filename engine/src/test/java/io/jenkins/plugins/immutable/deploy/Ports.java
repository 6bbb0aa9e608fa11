package io.jenkins.plugins.immutable.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports in the deploy tests' range (TEAM.md: deploy/ledger/promote 24000-25999). */
public final class Ports {

    /** Routers (HAProxy frontends) take ports from here; instances from {@link #INSTANCES_FIRST} on. */
    private static final int ROUTERS_FIRST = 25500;
    private static final int ROUTERS_LAST = 25999;
    static final int INSTANCES_FIRST = 24100;

    private Ports() {
    }

    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(ROUTERS_FIRST, ROUTERS_LAST + 1);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // taken; try another
            }
        }
        throw new IllegalStateException("no free port in " + ROUTERS_FIRST + "-" + ROUTERS_LAST);
    }

    /** A random block of {@code size} instance ports, so concurrent test runs rarely meet (the target skips taken ones). */
    public static int[] instanceBlock(int size) {
        int blocks = (25400 - INSTANCES_FIRST) / size;
        int first = INSTANCES_FIRST + ThreadLocalRandom.current().nextInt(blocks) * size;
        return new int[] {first, first + size - 1};
    }
}
