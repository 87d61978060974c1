package dev.granary.metering;

/**
 * The dimensions usage is aggregated by.
 *
 * @param account the account billed
 * @param bucket the bucket, or null for requests without one (ListBuckets)
 * @param operation the S3 operation name
 * @param requestClass the billing class
 * @param statusFamily the first digit of the HTTP status: 2, 3, 4 or 5
 */
public record UsageKey(String account, String bucket, String operation, RequestClass requestClass, int statusFamily) {

    /**
     * Written out rather than left to the record's generated one: that goes through method handles the JIT did
     * not fully inline, and this runs once per request.
     */
    @Override
    public int hashCode() {
        int h = account == null ? 0 : account.hashCode();
        h = 31 * h + (bucket == null ? 0 : bucket.hashCode());
        h = 31 * h + (operation == null ? 0 : operation.hashCode());
        h = 31 * h + requestClass.hashCode();
        return 31 * h + statusFamily;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UsageKey k
                && statusFamily == k.statusFamily
                && requestClass == k.requestClass
                && java.util.Objects.equals(operation, k.operation)
                && java.util.Objects.equals(bucket, k.bucket)
                && java.util.Objects.equals(account, k.account);
    }

    /** The key of a record. */
    public static UsageKey of(UsageRecord r) {
        return new UsageKey(r.account(), r.bucket(), r.operation(), r.requestClass(), r.status() / 100);
    }
}
