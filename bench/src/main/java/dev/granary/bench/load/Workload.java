package dev.granary.bench.load;

import java.util.Locale;

/** The workloads, after warp's: each names the operation it measures and whether it needs objects up front. */
enum Workload {
    /** PutObject of new keys. */
    PUT(false),
    /** GetObject of pre-populated objects, content verified. */
    GET(true),
    /** DeleteObject of pre-populated objects; ends early when they run out. */
    DELETE(true),
    /** HeadObject of pre-populated objects. */
    STAT(true),
    /** ListObjectsV2 pages of up to 1,000 pre-populated keys. */
    LIST(true),
    /** warp's mixed: 45% GET, 15% PUT, 10% DELETE, 30% STAT over pre-populated objects. */
    MIXED(true);

    private final boolean needsObjects;

    Workload(boolean needsObjects) {
        this.needsObjects = needsObjects;
    }

    boolean needsObjects() {
        return needsObjects;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Workload parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown workload \"" + name + "\": expected put, get, delete, stat, list or mixed", e);
        }
    }

    /** The single operations, which the mixed workload reports one by one. */
    enum Op {
        PUT,
        GET,
        DELETE,
        STAT,
        LIST;

        /**
         * The operation for a roll of 0 to 99 in warp's mix: 45% GET, 15% PUT, 10% DELETE, 30% STAT.
         */
        static Op mixed(int roll) {
            if (roll < 45) {
                return GET;
            } else if (roll < 60) {
                return PUT;
            } else if (roll < 70) {
                return DELETE;
            }
            return STAT;
        }
    }
}
