package io.cxstream.state;

import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

import java.util.Collection;

/**
 * Caps each RocksDB instance's MANIFEST, which every incremental checkpoint uploads whole.
 *
 * <p>RocksDB appends a version edit to the MANIFEST on every flush and compaction, and Flink flushes
 * on every checkpoint, so with RocksDB's default cap (1 GiB) the file grows by a few hundred bytes per
 * checkpoint for as long as the job runs and each checkpoint grows with it: in a 10-minute soak at one
 * checkpoint per second, one operator's MANIFEST reached 356 KB against 72 KB of live state. Past
 * {@link #MAX_MANIFEST_FILE_SIZE} RocksDB starts a new MANIFEST holding only the live files (about
 * 150 bytes each) and deletes the old one. The cap stays far above such a snapshot for any state a
 * slot can hold (256 KiB is ~1,700 files, i.e. ~100 GB of 64 MB SST files per operator instance).
 *
 * <p>Flink applies its configurable RocksDB options (bloom filters, block cache) first and this
 * factory on top, so the two combine.
 */
public class BoundedManifestOptionsFactory implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    /** Size at which a RocksDB instance rolls its MANIFEST over. */
    public static final long MAX_MANIFEST_FILE_SIZE = 256 * 1024;

    private final long maxManifestFileSize;

    /** The factory Flink instantiates (by class name, {@code state.backend.rocksdb.options-factory}). */
    public BoundedManifestOptionsFactory() {
        this(MAX_MANIFEST_FILE_SIZE);
    }

    BoundedManifestOptionsFactory(long maxManifestFileSize) {
        this.maxManifestFileSize = maxManifestFileSize;
    }

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setMaxManifestFileSize(maxManifestFileSize);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(
            ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }
}
