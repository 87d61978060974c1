package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.http.UrlCodec;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alibaba Cloud OSS's symbolic links: an empty object whose system properties name another key of its bucket.
 * {@code PUT ?symlink} makes one ({@code x-oss-symlink-target}, URL-encoded, with the link's own content headers,
 * metadata and ACL), {@code GET ?symlink} tells its target, and OSS's GetObject and HeadObject of a link serve its
 * target (a missing target is 404 SymlinkTargetNotExist). Through S3 a link is the empty object it is stored as.
 */
final class Symlinks {
    /** The system property holding a link's target key. */
    static final String TARGET = "symlink.target";

    /** OSS's object type header (x-oss-object-type in OSS's dialect): a link's GET and HEAD say Symlink. */
    static final String OBJECT_TYPE = "x-amz-object-type";

    /** The request and answer header naming the target (x-oss-symlink-target in OSS's dialect). */
    private static final String TARGET_HEADER = "x-amz-symlink-target";

    private Symlinks() {}

    /** The target key of a link, or null for any other object. */
    static String target(ObjectMeta meta) {
        return meta.attributes().system().get(TARGET);
    }

    /**
     * The key a GetObject or HeadObject of {@code link} serves, for a request in OSS's dialect: the link's target.
     *
     * @return null when {@code link} is not a link (or the request is S3's), else the target to open instead
     */
    static ObjectKey followed(S3Request request, ObjectMeta link) {
        String target = request.oss() ? target(link) : null;
        return target == null ? null : new ObjectKey(link.key().bucket(), target);
    }

    /** The target's metadata; a link to a missing object or to another link is refused as OSS refuses it. */
    static ObjectMeta checkTarget(ObjectMeta target) {
        if (target(target) != null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, "InvalidTargetType", 400, "The symlink's target is a symlink.", null);
        }
        return target;
    }

    /** Runs a read of a link's target, answering a missing one as OSS does. */
    static <T> T readTarget(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.NO_SUCH_KEY
                    || e.reason() == StorageException.Reason.DELETE_MARKER) {
                throw new S3Exception(
                        S3Error.NO_SUCH_KEY,
                        "SymlinkTargetNotExist",
                        404,
                        "The symlink target object does not exist",
                        e);
            }
            throw e;
        }
    }

    /** {@code PUT ?symlink}: makes or replaces the link. */
    record Put(ObjectStore store, dev.granary.api.http.AccessControl access) implements OperationHandler {
        @Override
        public void handle(S3Request request, S3Response response) throws IOException {
            ObjectKey key = request.objectKey();
            Limits.checkKey(key.key());
            String encoded = request.header(TARGET_HEADER);
            if (encoded == null || encoded.isEmpty()) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "The x-oss-symlink-target header is missing.")
                        .with("ArgumentName", "x-oss-symlink-target");
            }
            String target = UrlCodec.decode(encoded, false);
            Limits.checkKey(target);
            request.body().transferTo(java.io.OutputStream.nullOutputStream()); // a link has no body
            ObjectAttributes attributes = ObjectHeaders.fromRequest(request, Map.of());
            TreeMap<String, String> system = new TreeMap<>(Acls.forNewObject(request, access, attributes.system()));
            system.put(TARGET, target);
            ObjectMeta meta =
                    store.putObject(key, attributes.withSystem(system), new ByteArrayInputStream(new byte[0]), 0, null);
            response.header(AmzHeaders.ETAG, meta.quotedEtag());
            ObjectHeaders.writeWrittenVersion(response, meta);
            response.empty(200);
        }
    }

    /** {@code GET ?symlink}: the link's target, URL-encoded as it was given. */
    record Get(ObjectStore store) implements OperationHandler {
        @Override
        public void handle(S3Request request, S3Response response) {
            ObjectMeta meta = store.headObject(request.objectKey(), Limits.versionId(request));
            String target = target(meta);
            if (target == null) {
                throw new S3Exception(S3Error.INVALID_REQUEST, "NotSymlink", 400, "The object is not a symlink.", null);
            }
            response.header(
                            TARGET_HEADER,
                            URLEncoder.encode(target, StandardCharsets.UTF_8).replace("+", "%20"))
                    .header(AmzHeaders.ETAG, meta.quotedEtag())
                    .header(AmzHeaders.LAST_MODIFIED, dev.granary.api.http.HttpDates.format(meta.lastModified()));
            ObjectHeaders.writeVersion(response, meta);
            response.empty(200);
        }
    }
}
