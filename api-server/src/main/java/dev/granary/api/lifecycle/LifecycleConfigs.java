package dev.granary.api.lifecycle;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.HttpDates;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.BucketInfo;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets' lifecycle configurations, stored as bucket configuration documents (the XML Get answers with) and
 * kept parsed in memory, so that the {@code x-amz-expiration} header of a GET costs no read. A cached entry is
 * tied to the bucket's creation time: a bucket deleted and made again under the same name starts without one.
 */
public final class LifecycleConfigs {
    private record Entry(Instant bucketCreated, Optional<LifecycleConfiguration> configuration) {}

    private final ObjectStore store;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public LifecycleConfigs(ObjectStore store) {
        this.store = store;
    }

    /** The bucket's configuration, if it has one. @throws dev.granary.storage.StorageException NO_SUCH_BUCKET */
    public Optional<LifecycleConfiguration> get(String bucket) {
        BucketInfo info = store.getBucket(bucket);
        Entry entry = cache.get(bucket);
        if (entry != null && entry.bucketCreated().equals(info.created())) {
            return entry.configuration();
        }
        Optional<LifecycleConfiguration> read = store.getBucketConfig(bucket, LifecycleConfiguration.CONFIG_NAME)
                .map(bytes -> LifecycleConfiguration.parse(XmlReader.parse(bytes)));
        cache.put(bucket, new Entry(info.created(), read));
        return read;
    }

    /**
     * The {@code x-amz-expiration} header value for a current object, S3's {@code expiry-date="<HTTP date>",
     * rule-id="<id>"}, or null when no rule expires it.
     */
    public String expirationHeader(ObjectMeta meta) {
        if (meta.deleteMarker()) {
            return null;
        }
        Optional<LifecycleConfiguration> config = get(meta.key().bucket());
        if (config.isEmpty()) {
            return null;
        }
        LifecycleConfiguration.Expiry expiry =
                config.get().expiryOf(meta.key().key(), meta.attributes().tags(), meta.size(), meta.lastModified());
        return expiry == null
                ? null
                : "expiry-date=\"" + HttpDates.format(expiry.at()) + "\", rule-id=\"" + expiry.ruleId() + "\"";
    }

    /** Adds {@code x-amz-expiration} to the answer about a current object, if a rule expires it. */
    public void writeExpiration(S3Response response, ObjectMeta meta) {
        String expiry = expirationHeader(meta);
        if (expiry != null) {
            response.header(AmzHeaders.X_AMZ_EXPIRATION, expiry);
        }
    }

    /** Stores (replacing) the bucket's configuration. */
    public void put(String bucket, LifecycleConfiguration configuration) {
        store.putBucketConfig(
                bucket,
                LifecycleConfiguration.CONFIG_NAME,
                configuration.toXml().toBytes());
        cache.remove(bucket);
    }

    /** Deletes the bucket's configuration. */
    public void delete(String bucket) {
        store.deleteBucketConfig(bucket, LifecycleConfiguration.CONFIG_NAME);
        cache.remove(bucket);
    }
}
