package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.ChecksumAlgorithm;
import dev.granary.auth.Crc64;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.PostPolicy;
import dev.granary.auth.PostPolicyVerifier;
import dev.granary.auth.Principal;
import dev.granary.auth.access.Acl;
import dev.granary.auth.access.AclHeaders;
import dev.granary.auth.access.Owner;
import dev.granary.auth.access.Requester;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * PostObject: an HTML form upload ({@code multipart/form-data} to the bucket). The fields before the file are
 * read (at most {@link #MAX_FIELD_BYTES}), the policy's signature and conditions verified, and only then the file
 * part is streamed into the store, its length checked against the policy's content-length-range before the
 * commit. The request carries no Authorization header: the pipeline leaves authentication to this handler.
 */
record PostObjectHandler(ObjectStore store, PostPolicyVerifier verifier, Encryption encryption, AccessControl access)
        implements OperationHandler {
    /** S3's limit on the form fields that precede the file. */
    static final int MAX_FIELD_BYTES = 20 * 1024;

    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        String boundary = MultipartForm.boundary(request.header(AmzHeaders.CONTENT_TYPE));
        if (boundary == null) {
            throw new S3Exception(S3Error.PRECONDITION_FAILED)
                    .with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data");
        }
        String bucket = request.bucket();
        access.bucket(bucket); // NoSuchBucket before the form is read
        MultipartForm form = new MultipartForm(request.body(), boundary);
        Map<String, String> fields = new LinkedHashMap<>();
        MultipartForm.Part file = readFields(form, fields);
        if (file == null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "POST requires exactly one file upload per request.")
                    .with("ArgumentName", "file")
                    .with("ArgumentValue", "0");
        }
        String key = fields.get("key");
        if (key == null) {
            throw new S3Exception(
                            S3Error.INVALID_ARGUMENT,
                            "Bucket POST must contain a field named 'key'.  If it is specified, please check the"
                                    + " order of the fields.")
                    .with("ArgumentName", "key")
                    .with("ArgumentValue", "");
        }
        key = key.replace("${filename}", file.filename() == null ? "" : file.filename());
        fields.put("key", key);
        Limits.checkKey(key);
        boolean oss = PostPolicyVerifier.isOss(fields);
        if (oss) {
            request.switchToOss(response); // signed the OSS way: answered in OSS's words from here on
        }
        // An unsigned form (no policy) is an anonymous upload: only a bucket that lets everyone write takes it.
        PostPolicy policy = null;
        if (fields.containsKey("policy")) {
            policy = verifier.verify(fields);
            policy.check(bucket, fields, verifier.now());
        }
        if (oss) {
            ossFieldsAsS3s(fields);
        }
        Principal signer = policy == null ? Principal.anonymous() : policy.principal();
        request.actAs(signer);
        Requester who = Requester.of(signer);
        access.check(request, who, "PostObject", bucket, key, null, null);
        ObjectKey objectKey = new ObjectKey(bucket, key);
        Optional<Acl> acl = formAcl(fields, signer, access.bucket(bucket).owner());
        SortedMap<String, String> system = Acls.forNewObject(request, access, new TreeMap<>(), signer.accountId(), acl);
        long minLength = policy == null ? 0 : policy.minLength();
        long maxLength = policy == null ? Limits.MAX_PUT_SIZE : policy.maxLength();
        LengthRange body = new LengthRange(form.content(), minLength, Math.min(maxLength, Limits.MAX_PUT_SIZE));
        ObjectMeta meta;
        try {
            Encryption.Params sse = encryption.forForm(fields, bucket);
            ObjectAttributes attributes = attributes(fields).withSystem(system);
            attributes = attributes.withSystem(Encryption.withParams(attributes.system(), sse));
            InputStream content = body;
            Optional<Map.Entry<ChecksumAlgorithm, String>> checksum = FormChecksum.of(fields);
            if (checksum.isPresent()) {
                content = FormChecksum.verifying(
                        body, checksum.get().getKey(), checksum.get().getValue());
                attributes = attributes.withChecksums(
                        new TreeMap<>(Map.of(
                                checksum.get().getKey().name(), checksum.get().getValue())),
                        null);
            }
            Crc64Stream crc = null;
            if (oss) {
                // OSS stores a CRC-64 with what its dialect writes; it fills once the file has been read.
                crc = new Crc64Stream(content, attributes.checksums());
                content = crc;
                attributes = attributes.withChecksums(crc.checksums(), null);
            }
            Encryption.StoredBody stored = sse.prepare(content, null, 0);
            meta = store.putObject(objectKey, attributes, stored.body(), -1, stored.contentMd5(), stored.form());
        } catch (IOException e) {
            S3Exception s3 = translate(e);
            if (s3 != null) {
                throw s3;
            }
            throw e;
        } catch (StorageException e) {
            S3Exception s3 = translate(e);
            if (s3 != null) {
                throw s3;
            }
            throw e;
        }
        drain(form);
        Encryption.writeHeaders(response, meta.attributes().system());
        ObjectHeaders.writeOssCrc64(request, response, meta.attributes().checksums());
        respond(request, response, fields, objectKey, meta);
    }

    /** The ACL of the form's {@code acl} field (a canned ACL), if any; the signer (or the bucket owner) owns it. */
    private Optional<Acl> formAcl(Map<String, String> fields, Principal signer, Owner bucketOwner) {
        String canned = fields.get("acl");
        if (canned == null) {
            return Optional.empty();
        }
        Owner owner = signer.isAnonymous() ? bucketOwner : access.owner(signer.accountId());
        return AclHeaders.parse(Map.of("x-amz-acl", List.of(canned)), owner, bucketOwner, false);
    }

    /**
     * Adds S3's name for each field of an OSS form that has one ({@code x-oss-meta-*}, {@code x-oss-object-acl} is
     * {@code acl}, ...), once the policy has been checked on the fields as sent.
     */
    private static void ossFieldsAsS3s(Map<String, String> fields) {
        Map<String, String> added = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (name.equals("x-oss-object-acl")) {
                added.put("acl", "default".equals(value) ? "private" : value);
            } else if (name.startsWith("x-oss-")
                    && !name.startsWith("x-oss-signature")
                    && !name.equals("x-oss-credential")
                    && !name.equals("x-oss-date")) {
                added.put("x-amz-" + name.substring("x-oss-".length()), value);
            }
        });
        added.forEach(fields::putIfAbsent);
    }

    /** The file, read once, its CRC-64/XZ kept for OSS's {@code x-oss-hash-crc64ecma} when it ends. */
    private static final class Crc64Stream extends java.io.FilterInputStream {
        private final Crc64 crc = new Crc64(Crc64.Polynomial.ECMA);
        private final Map<String, String> checksums;

        /** @param declared the checksums the form declared (verified as the file is read), kept beside the CRC */
        Crc64Stream(InputStream in, Map<String, String> declared) {
            super(in);
            this.checksums = new TreeMap<>(declared);
        }

        /** The declared checksums and, once the stream has ended, the CRC: a live map, for the attributes built before. */
        Map<String, String> checksums() {
            return checksums;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
            } else if (n < 0) {
                checksums.put(PayloadDecoder.CRC64ECMA, Long.toUnsignedString(crc.value()));
            }
            return n;
        }
    }

    /** Reads the fields up to the file part (names lower-cased; the first of repeated fields counts). */
    private static MultipartForm.Part readFields(MultipartForm form, Map<String, String> fields) throws IOException {
        int budget = MAX_FIELD_BYTES;
        try {
            for (MultipartForm.Part part = form.next(); part != null; part = form.next()) {
                String name = part.name().toLowerCase(Locale.ROOT);
                if (name.equals("file")) {
                    return part;
                }
                String value = form.text(budget);
                if (value == null) {
                    throw new S3Exception(S3Error.MAX_POST_PRE_DATA_LENGTH_EXCEEDED)
                            .with("ProposedSize", Integer.toString(MAX_FIELD_BYTES + 1))
                            .with("MaxSizeAllowed", Integer.toString(MAX_FIELD_BYTES));
                }
                budget -= value.getBytes(StandardCharsets.UTF_8).length + name.length();
                fields.putIfAbsent(name, value);
            }
        } catch (MultipartForm.MalformedException e) {
            throw new S3Exception(S3Error.MALFORMED_POST_REQUEST, S3Error.MALFORMED_POST_REQUEST.message(), e);
        }
        return null;
    }

    /** The stored headers and metadata the form's fields give the object, as their namesake headers would. */
    private static ObjectAttributes attributes(Map<String, String> fields) {
        SortedMap<String, String> meta = new TreeMap<>();
        int metaBytes = 0;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (f.getKey().startsWith(AmzHeaders.X_AMZ_META_PREFIX)) {
                String name = f.getKey().substring(AmzHeaders.X_AMZ_META_PREFIX.length());
                meta.put(name, f.getValue());
                metaBytes += name.length() + f.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (metaBytes > Limits.MAX_USER_METADATA_BYTES) {
            throw new S3Exception(S3Error.METADATA_TOO_LARGE);
        }
        return new ObjectAttributes(
                fields.get("content-type"),
                fields.get("content-encoding"),
                fields.get("content-disposition"),
                fields.get("content-language"),
                fields.get("cache-control"),
                fields.get("expires"),
                meta,
                new TreeMap<>(),
                null,
                tags(fields.get("tagging")));
    }

    /** The form's {@code tagging} field: a {@code Tagging} document, as PutObjectTagging takes. */
    private static SortedMap<String, String> tags(String tagging) {
        if (tagging == null || tagging.isBlank()) {
            return new TreeMap<>();
        }
        return Tagging.parseXml(XmlReader.parse(tagging.getBytes(StandardCharsets.UTF_8)), false);
    }

    /** The file's size against the policy or a malformed form, found while streaming, as S3 reports it; or null. */
    private static S3Exception translate(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LengthRange.OutOfRange range) {
                return range.toS3();
            }
            if (t instanceof FormChecksum.Mismatch mismatch) {
                return mismatch.toS3();
            }
            if (t instanceof MultipartForm.MalformedException) {
                return new S3Exception(S3Error.MALFORMED_POST_REQUEST, S3Error.MALFORMED_POST_REQUEST.message(), t);
            }
        }
        return null;
    }

    /** Reads the fields after the file (S3 ignores them) so that the answer follows the whole request. */
    private static void drain(MultipartForm form) {
        try {
            while (form.next() != null) {
                // ignored
            }
        } catch (IOException ignored) {
            // The answer goes out anyway; the connection closes if the body was not read to its end.
        }
    }

    private static void respond(
            S3Request request, S3Response response, Map<String, String> fields, ObjectKey key, ObjectMeta meta) {
        String etag = meta.quotedEtag();
        response.header(AmzHeaders.ETAG, etag);
        String redirect = fields.get("success_action_redirect");
        if (redirect == null) {
            redirect = fields.get("redirect");
        }
        if (redirect != null && isHttpUrl(redirect)) {
            String location = redirect + (redirect.contains("?") ? "&" : "?")
                    + "bucket=" + encode(key.bucket())
                    + "&key=" + encode(key.key())
                    + "&etag=" + encode(etag);
            response.header(AmzHeaders.LOCATION, location).empty(303);
            return;
        }
        String host = request.header(AmzHeaders.HOST);
        String location = "http://" + host + "/" + encode(key.bucket()) + "/" + encodePath(key.key());
        response.header(AmzHeaders.LOCATION, location);
        String status = fields.get("success_action_status");
        if ("200".equals(status)) {
            response.empty(200);
        } else if ("201".equals(status)) {
            response.xml(
                    201,
                    XmlWriter.plainDocument("PostResponse")
                            .element("Location", location)
                            .element("Bucket", key.bucket())
                            .element("Key", key.key())
                            .element("ETag", etag));
        } else {
            response.empty(204);
        }
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI uri = new URI(s);
            return uri.getScheme() != null
                    && (uri.getScheme().equalsIgnoreCase("http")
                            || uri.getScheme().equalsIgnoreCase("https"))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A key as a URL path: each segment encoded, the slashes kept. */
    private static String encodePath(String key) {
        return encode(key).replace("%2F", "/");
    }

    /** The file part's stream, failing before the commit when its length is outside the policy's range. */
    static final class LengthRange extends FilterInputStream {
        private final long min;
        private final long max;
        private long count;

        LengthRange(InputStream in, long min, long max) {
            super(in);
            this.min = min;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                if (count < min) {
                    throw new OutOfRange(S3Error.ENTITY_TOO_SMALL, count, "MinSizeAllowed", min);
                }
                return n;
            }
            count += n;
            if (count > max) {
                throw new OutOfRange(S3Error.ENTITY_TOO_LARGE, count, "MaxSizeAllowed", max);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported");
        }

        /** Thrown as an IOException so that the store gives up the upload as it does for a failed body. */
        static final class OutOfRange extends IOException {
            private static final long serialVersionUID = 1L;
            private final S3Error error;
            private final long proposed;
            private final String limitName;
            private final long limit;

            OutOfRange(S3Error error, long proposed, String limitName, long limit) {
                super(error.code());
                this.error = error;
                this.proposed = proposed;
                this.limitName = limitName;
                this.limit = limit;
            }

            S3Exception toS3() {
                return new S3Exception(error, error.message(), this)
                        .with("ProposedSize", Long.toString(proposed))
                        .with(limitName, Long.toString(limit));
            }
        }
    }
}
