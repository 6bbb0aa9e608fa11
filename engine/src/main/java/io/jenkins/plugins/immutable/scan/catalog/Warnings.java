package io.jenkins.plugins.immutable.scan.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a scan could not read fully (a corrupt jar, an unreadable database file): reported beside the findings, so a
 * gap in the inventory is visible rather than silent. Bounded, so a pathological image cannot flood the report.
 */
public final class Warnings {

    private static final int MAX = 200;

    private final List<String> lines = new ArrayList<>();
    private int dropped;

    public void add(String warning) {
        if (lines.size() < MAX) {
            lines.add(warning);
        } else {
            dropped++;
        }
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>(lines);
        if (dropped > 0) {
            out.add(dropped + " more warnings were not recorded");
        }
        return Collections.unmodifiableList(out);
    }
}
