package io.cxstream.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local checkpoint directory ({@code .cx/checkpoints}) of {@code ./cx demo|serve}: one directory per job run,
 * never restored (the broker is fresh on every run). At start, the runs before this one are removed, so the
 * directory does not grow across runs.
 */
final class LocalCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCheckpoints.class);

    /**
     * A job directory changed within this time may belong to another {@code ./cx} still running (it checkpoints every
     * few seconds): it is kept.
     */
    static final Duration QUIET_FOR = Duration.ofMinutes(1);

    private LocalCheckpoints() {}

    /**
     * Removes every entry of {@code dir} last modified more than {@code quietFor} ago (earlier runs); returns how many.
     * A missing directory is nothing to clean; a failure to delete is logged, not thrown.
     */
    static int removeOlderRuns(Path dir, Duration quietFor) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(quietFor);
        int removed = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (lastModified(entry).isBefore(cutoff)) {
                    deleteTree(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean the local checkpoints in {}", dir, e);
        }
        if (removed > 0) {
            LOG.info("Removed {} earlier runs' checkpoints from {}", removed, dir);
        }
        return removed;
    }

    /** The newest modification time in the tree: a run writes new chk-N directories below its job directory. */
    private static Instant lastModified(Path entry) throws IOException {
        try (Stream<Path> tree = Files.walk(entry, 2)) {
            return tree.map(p -> {
                        try {
                            return Files.getLastModifiedTime(p);
                        } catch (IOException e) {
                            return FileTime.from(Instant.now()); // vanished under us: in use, keep
                        }
                    })
                    .max(Comparator.naturalOrder())
                    .orElse(FileTime.from(Instant.now()))
                    .toInstant();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}", root, e);
        }
    }
}
