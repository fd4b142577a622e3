package io.cxstream.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a non-Java tool (Debian package) on PATH, or in /usr/bin where PATH is minimal. */
public final class ExternalTool {
    private ExternalTool() {}

    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        String dirs = (path == null ? "" : path + File.pathSeparator) + "/usr/bin";
        for (String dir : dirs.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (!dir.isEmpty() && f.canExecute()) {
                return Optional.of(f.toPath());
            }
        }
        return Optional.empty();
    }
}
