package io.cxstream.state;

import org.apache.flink.api.common.state.StateTtlConfig;

import java.time.Duration;

/**
 * The one state TTL the job uses, as a safety net under state that ends by itself (event-time timers,
 * windows, erasure): expires {@code ttl} of processing time after the last write, never returns an expired
 * value, and is cleaned up by RocksDB's compaction filter (re-reading the current time every 1,000 entries).
 */
public final class StateTtl {
    private StateTtl() {}

    public static StateTtlConfig afterWrite(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }
}
