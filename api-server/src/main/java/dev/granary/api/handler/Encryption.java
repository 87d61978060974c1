package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.sse.CtrStream;
import dev.granary.api.sse.SseKeys;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StoredForm;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Server-side encryption at the edge: the handlers encrypt bodies before the store sees them and decrypt what
 * it returns, so the engine keeps only ciphertext and the encryption parameters among an object's system
 * properties ({@code sse.*}). AES-256-CTR keeps sizes and lets ranges start anywhere (see {@link CtrStream}).
 *
 * <ul>
 *   <li>SSE-S3 ({@code x-amz-server-side-encryption: AES256}, or the bucket's default): a random data key per
 *       object or upload, stored wrapped under a key derived from the master key. The store digests the
 *       plaintext ({@link StoredForm}), so ETags are AWS's: the MD5 of the content, or of the part MD5s.
 *   <li>SSE-C ({@code x-amz-server-side-encryption-customer-*}): the data key is derived from the customer's key
 *       and a random salt; only an HMAC verifier of the key and its MD5 are stored. The body is encrypted before
 *       the store digests it, so the ETag is the ciphertext's MD5 (AWS's SSE-C ETag is no MD5 of the content
 *       either), and Content-MD5 is checked here against the plaintext.
 * </ul>
 *
 * Multipart: the parts share the upload's data key, and every part upload (every attempt, so a part number
 * uploaded again too) draws a fresh random 8-byte nonce, stored with the part: its counter blocks are (part
 * nonce, part number, block), so no two bodies are ever encrypted under the same key stream (CTR with a reused
 * key and IV gives away the XOR of two plaintexts, and the replaced part's ciphertext stays on disk until it is
 * reclaimed). At completion the part numbers and nonces of the parts the object is made of are recorded, as the
 * store hands back the parts it links, so a read knows the IV of each part. Objects completed before part nonces
 * existed have none recorded and use the upload's nonce.
 */
final class Encryption {
    /** The bucket configuration document of PutBucketEncryption. */
    static final String CONFIG_NAME = "encryption";

    static final String AES256 = "AES256";

    // System properties of an encrypted object version or upload.
    static final String MODE = "sse.mode"; // S3 or C
    static final String ALGORITHM = "sse.algorithm"; // AES256 (the cipher is AES-256-CTR)
    static final String NONCE = "sse.nonce"; // 8 bytes, base64: the IVs' common prefix
    static final String WRAPPED_KEY = "sse.key"; // SSE-S3: data key sealed under the master-derived key
    static final String SALT = "sse.salt"; // SSE-C: salt of the derived data key and verifier
    static final String KEY_VERIFIER = "sse.key-hmac"; // SSE-C: HMAC of the customer key, to recognise it
    static final String KEY_MD5 = "sse.key-md5"; // SSE-C: base64 MD5 of the customer key, as AWS echoes it
    static final String PARTS = "sse.parts"; // multipart: the part numbers, in order, e.g. 1-3,5
    static final String PART_NONCES = "sse.part-nonces"; // multipart: base64 nonce of each part, in order

    private static final String PREFIX = "sse.";
    private static final String NO_KEY_FOR_READ = "The object was stored using a form of Server Side Encryption."
            + " The correct parameters must be provided to retrieve the object.";

    enum Mode {
        NONE,
        S3,
        C
    }

    /**
     * The encryption of one object, upload or part, with its data key in hand.
     *
     * @param system its {@code sse.*} system properties (empty for NONE); for a part, what is stored with the part
     */
    @SuppressWarnings("ArrayRecordComponent") // key material in hand, never compared or hashed
    record Params(Mode mode, byte[] dataKey, byte[] nonce, SortedMap<String, String> system) {
        static final Params NONE = new Params(Mode.NONE, null, null, new TreeMap<>());

        boolean encrypted() {
            return mode != Mode.NONE;
        }

        /** The encryption of one part upload: the upload's key under a nonce of the part's own. */
        Params forPart(byte[] partNonce) {
            if (mode == Mode.NONE) {
                return this;
            }
            SortedMap<String, String> part = new TreeMap<>();
            part.put(NONCE, b64(partNonce));
            return new Params(mode, dataKey, partNonce, part);
        }

        /** What to hand the store for a body (a whole object: part 0, or a part of an upload). */
        StoredBody prepare(InputStream body, byte[] contentMd5, int partNumber) {
            return switch (mode) {
                case NONE -> new StoredBody(body, contentMd5, StoredForm.IDENTITY);
                case S3 -> {
                    byte[] iv = SseKeys.segmentIv(nonce, partNumber);
                    yield new StoredBody(body, contentMd5, plain -> CtrStream.of(plain, dataKey, iv));
                }
                case C -> {
                    InputStream checked = contentMd5 == null ? body : new Md5Check(body, contentMd5);
                    yield new StoredBody(
                            CtrStream.of(checked, dataKey, SseKeys.segmentIv(nonce, partNumber)),
                            null,
                            StoredForm.IDENTITY);
                }
            };
        }

        /** The plaintext of {@code stored}, which starts at byte {@code offset} of the object {@code meta}. */
        InputStream decrypt(InputStream stored, ObjectMeta meta, long offset) {
            if (mode == Mode.NONE) {
                return stored;
            }
            List<CtrStream.Segment> segments = new ArrayList<>();
            if (meta.partCount() == 0) {
                segments.add(new CtrStream.Segment(meta.size(), SseKeys.segmentIv(nonce, 0)));
            } else {
                List<Integer> numbers = parseParts(system.get(PARTS), meta.partCount());
                List<byte[]> nonces = parseNonces(system.get(PART_NONCES), meta.partCount(), nonce);
                for (int i = 0; i < meta.partCount(); i++) {
                    segments.add(new CtrStream.Segment(
                            meta.partSizes().get(i), SseKeys.segmentIv(nonces.get(i), numbers.get(i))));
                }
            }
            return CtrStream.of(stored, dataKey, segments, offset);
        }
    }

    /**
     * A body as the store takes it.
     *
     * @param contentMd5 what the store checks the body against (null when checked here)
     */
    @SuppressWarnings("ArrayRecordComponent") // a hand-off to the store, never compared or hashed
    record StoredBody(InputStream body, byte[] contentMd5, StoredForm form) {}

    private final SseKeys keys;
    private final ObjectStore store;

    Encryption(SseKeys keys, ObjectStore store) {
        this.keys = keys;
        this.store = store;
    }

    // ---- writes ----

    /**
     * The encryption a PUT, copy destination or multipart create asks for: SSE-C, SSE-S3, else the bucket's
     * default, else none.
     */
    Params forWrite(S3Request request, String bucket) {
        String sse = request.header(AmzHeaders.X_AMZ_SSE);
        byte[] customerKey = customerKey(
                request,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_ALGORITHM,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY_MD5);
        if (customerKey != null) {
            if (sse != null) {
                throw new S3Exception(
                                S3Error.INVALID_ARGUMENT,
                                "Server Side Encryption with Customer provided key is incompatible with the encryption"
                                        + " method specified")
                        .with("ArgumentName", AmzHeaders.X_AMZ_SSE)
                        .with("ArgumentValue", sse);
            }
            return newCustomer(customerKey);
        }
        if (sse != null) {
            checkAlgorithm(sse, AmzHeaders.X_AMZ_SSE);
            if (request.header(AmzHeaders.X_AMZ_SSE_KMS_KEY_ID) != null) {
                throw new S3Exception(
                                S3Error.INVALID_ARGUMENT,
                                "Server Side Encryption with AWS KMS managed key requires HTTP header"
                                        + " x-amz-server-side-encryption : aws:kms")
                        .with("ArgumentName", AmzHeaders.X_AMZ_SSE_KMS_KEY_ID);
            }
            return newS3();
        }
        if (request.header(AmzHeaders.X_AMZ_SSE_KMS_KEY_ID) != null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "Server Side Encryption with AWS KMS is not supported")
                    .with("ArgumentName", AmzHeaders.X_AMZ_SSE_KMS_KEY_ID);
        }
        return bucketDefault(bucket) ? newS3() : Params.NONE;
    }

    /**
     * The encryption a POST form upload asks for: a customer key in its
     * {@code x-amz-server-side-encryption-customer-*} fields, SSE-S3 by its {@code x-amz-server-side-encryption}
     * field, or the bucket's default.
     */
    Params forForm(Map<String, String> fields, String bucket) {
        // Form field names arrive in lower case.
        byte[] customerKey = customerKey(
                name -> fields.get(name.toLowerCase(Locale.ROOT)),
                AmzHeaders.X_AMZ_SSE_CUSTOMER_ALGORITHM,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY_MD5);
        String sse = fields.get(AmzHeaders.X_AMZ_SSE);
        if (customerKey != null) {
            if (sse != null) {
                throw new S3Exception(
                        S3Error.INVALID_ARGUMENT,
                        "Server Side Encryption with Customer provided key is incompatible with the encryption"
                                + " method specified");
            }
            return newCustomer(customerKey);
        }
        if (sse != null) {
            checkAlgorithm(sse, AmzHeaders.X_AMZ_SSE);
            return newS3();
        }
        return bucketDefault(bucket) ? newS3() : Params.NONE;
    }

    /**
     * The encryption of a part of {@code upload} (its system properties), checking the customer's key: a fresh
     * part nonce each call, whose {@link Params#system()} is to be stored with the part.
     */
    Params forPart(S3Request request, SortedMap<String, String> uploadSystem) {
        Mode mode = mode(uploadSystem);
        byte[] customerKey = customerKey(
                request,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_ALGORITHM,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY,
                AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY_MD5);
        if (mode == Mode.C && customerKey == null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST,
                    "The multipart upload initiate requested encryption. Subsequent part requests must include the"
                            + " appropriate encryption parameters.");
        }
        if (mode != Mode.C && customerKey != null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST,
                    "The multipart upload initiate did not request encryption with a customer-provided key;"
                            + " the part requests must not provide one.");
        }
        if (mode == Mode.C && !matches(uploadSystem, customerKey)) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST,
                    "The provided encryption parameters did not match the ones used originally.");
        }
        return open(uploadSystem, customerKey).forPart(keys.random(8));
    }

    /**
     * The system properties a completed upload adds to its object: the part numbers and part nonces of the parts
     * it is made of, as the store links them.
     */
    static Map<String, String> completion(SortedMap<String, String> uploadSystem, List<PartMeta> parts) {
        if (mode(uploadSystem) == Mode.NONE) {
            return Map.of();
        }
        List<Integer> numbers = new ArrayList<>();
        List<String> nonces = new ArrayList<>();
        for (PartMeta p : parts) {
            numbers.add(p.partNumber());
            // A part uploaded before part nonces existed has none: it was encrypted under the upload's nonce.
            nonces.add(p.system().getOrDefault(NONCE, ""));
        }
        return Map.of(PARTS, formatParts(numbers), PART_NONCES, String.join(",", nonces));
    }

    /** {@code system} without any previous encryption parameters, with those of {@code params}. */
    static SortedMap<String, String> withParams(SortedMap<String, String> system, Params params) {
        SortedMap<String, String> merged = new TreeMap<>();
        system.forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                merged.put(k, v);
            }
        });
        merged.putAll(params.system());
        return merged;
    }

    // ---- reads ----

    /**
     * The encryption of a stored object read by GET, HEAD or as a copy source (then the key comes in the
     * {@code x-amz-copy-source-server-side-encryption-customer-*} headers): the customer's key is required for
     * SSE-C, and refused for anything else.
     */
    Params forRead(S3Request request, SortedMap<String, String> system, boolean copySource) {
        if (!copySource) {
            // A read names no server-side encryption: the object's own applies (AWS refuses these headers here).
            for (String header : new String[] {AmzHeaders.X_AMZ_SSE, AmzHeaders.X_AMZ_SSE_KMS_KEY_ID}) {
                if (request.header(header) != null) {
                    throw new S3Exception(
                                    S3Error.INVALID_ARGUMENT,
                                    "The " + header + " header is not supported for this operation.")
                            .with("ArgumentName", header);
                }
            }
        }
        byte[] customerKey = copySource
                ? customerKey(
                        request,
                        AmzHeaders.X_AMZ_COPY_SOURCE_SSE_CUSTOMER_ALGORITHM,
                        AmzHeaders.X_AMZ_COPY_SOURCE_SSE_CUSTOMER_KEY,
                        AmzHeaders.X_AMZ_COPY_SOURCE_SSE_CUSTOMER_KEY_MD5)
                : customerKey(
                        request,
                        AmzHeaders.X_AMZ_SSE_CUSTOMER_ALGORITHM,
                        AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY,
                        AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY_MD5);
        Mode mode = mode(system);
        if (mode == Mode.C) {
            if (customerKey == null) {
                throw new S3Exception(S3Error.INVALID_REQUEST, NO_KEY_FOR_READ);
            }
            if (!matches(system, customerKey)) {
                throw new S3Exception(S3Error.ACCESS_DENIED);
            }
        } else if (customerKey != null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, "The encryption parameters are not applicable to this object.");
        }
        return open(system, customerKey);
    }

    /** The response headers that tell how an object or upload is encrypted, as AWS sends them. */
    static void writeHeaders(S3Response response, SortedMap<String, String> system) {
        switch (mode(system)) {
            case S3 -> response.header(AmzHeaders.X_AMZ_SSE, AES256);
            case C ->
                response.header(AmzHeaders.X_AMZ_SSE_CUSTOMER_ALGORITHM, AES256)
                        .header(AmzHeaders.X_AMZ_SSE_CUSTOMER_KEY_MD5, system.get(KEY_MD5));
            case NONE -> {}
        }
    }

    static Mode mode(SortedMap<String, String> system) {
        String mode = system.get(MODE);
        if (mode == null) {
            return Mode.NONE;
        }
        return Mode.valueOf(mode);
    }

    // ---- internals ----

    private Params newS3() {
        byte[] dataKey = keys.random(SseKeys.KEY_BYTES);
        byte[] nonce = keys.random(8);
        SortedMap<String, String> system = new TreeMap<>();
        system.put(MODE, Mode.S3.name());
        system.put(ALGORITHM, AES256);
        system.put(NONCE, b64(nonce));
        system.put(WRAPPED_KEY, keys.wrap(dataKey));
        return new Params(Mode.S3, dataKey, nonce, system);
    }

    private Params newCustomer(byte[] customerKey) {
        byte[] salt = keys.random(16);
        byte[] nonce = keys.random(8);
        SortedMap<String, String> system = new TreeMap<>();
        system.put(MODE, Mode.C.name());
        system.put(ALGORITHM, AES256);
        system.put(NONCE, b64(nonce));
        system.put(SALT, b64(salt));
        system.put(KEY_VERIFIER, b64(SseKeys.customerKeyVerifier(customerKey, salt)));
        system.put(KEY_MD5, b64(md5(customerKey)));
        return new Params(Mode.C, SseKeys.customerDataKey(customerKey, salt), nonce, system);
    }

    /** The data key of stored parameters; the customer's key has been checked for SSE-C. */
    private Params open(SortedMap<String, String> system, byte[] customerKey) {
        Mode mode = mode(system);
        SortedMap<String, String> own = new TreeMap<>(system.tailMap(PREFIX).headMap("sse/"));
        return switch (mode) {
            case NONE -> Params.NONE;
            case S3 -> new Params(mode, keys.unwrap(system.get(WRAPPED_KEY)), unb64(system.get(NONCE)), own);
            case C ->
                new Params(
                        mode,
                        SseKeys.customerDataKey(customerKey, unb64(system.get(SALT))),
                        unb64(system.get(NONCE)),
                        own);
        };
    }

    private static boolean matches(SortedMap<String, String> system, byte[] customerKey) {
        byte[] expected = unb64(system.get(KEY_VERIFIER));
        return SseKeys.same(expected, SseKeys.customerKeyVerifier(customerKey, unb64(system.get(SALT))));
    }

    private boolean bucketDefault(String bucket) {
        return store.getBucketConfig(bucket, CONFIG_NAME).isPresent();
    }

    /**
     * The customer's key from one of the two header triples, checked as AWS checks them; null when none of
     * the three is present.
     */
    private static byte[] customerKey(S3Request request, String algorithmHeader, String keyHeader, String md5Header) {
        return customerKey(request::header, algorithmHeader, keyHeader, md5Header);
    }

    /** The customer's key from the headers (or form fields) {@code values} gives, checked; null when none. */
    private static byte[] customerKey(
            Function<String, String> values, String algorithmHeader, String keyHeader, String md5Header) {
        String algorithm = values.apply(algorithmHeader);
        String key = values.apply(keyHeader);
        String keyMd5 = values.apply(md5Header);
        if (algorithm == null && key == null && keyMd5 == null) {
            return null;
        }
        if (algorithm == null) {
            throw invalid(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid"
                            + " encryption algorithm.",
                    algorithmHeader,
                    null);
        }
        if (!AES256.equals(algorithm)) {
            throw invalid("The encryption algorithm specified is not valid.", algorithmHeader, algorithm);
        }
        if (key == null) {
            throw invalid(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide an"
                            + " appropriate secret key.",
                    keyHeader,
                    null);
        }
        if (keyMd5 == null) {
            throw invalid(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide the client"
                            + " calculated MD5 of the secret key.",
                    md5Header,
                    null);
        }
        byte[] keyBytes;
        try {
            keyBytes = Base64.getDecoder().decode(key.strip());
        } catch (IllegalArgumentException e) {
            keyBytes = new byte[0];
        }
        if (keyBytes.length != SseKeys.KEY_BYTES) {
            // The key itself is never echoed, not even in an error.
            throw invalid("The secret key was invalid for the specified algorithm.", keyHeader, null);
        }
        byte[] declared;
        try {
            declared = Base64.getDecoder().decode(keyMd5.strip());
        } catch (IllegalArgumentException e) {
            declared = new byte[0];
        }
        if (!MessageDigest.isEqual(declared, md5(keyBytes))) {
            throw invalid(
                    "The calculated MD5 hash of the key did not match the hash that was provided.", md5Header, null);
        }
        return keyBytes;
    }

    private static void checkAlgorithm(String sse, String header) {
        if (sse.equals("aws:kms") || sse.equals("aws:kms:dsse")) {
            throw new S3Exception(
                    S3Error.NOT_IMPLEMENTED, "Server Side Encryption with AWS KMS (" + sse + ") is not implemented");
        }
        if (!AES256.equals(sse)) {
            throw invalid("The encryption method specified is not supported", header, sse);
        }
    }

    private static S3Exception invalid(String message, String header, String value) {
        S3Exception e = new S3Exception(S3Error.INVALID_ARGUMENT, message).with("ArgumentName", header);
        return value == null ? e : e.with("ArgumentValue", value);
    }

    static String formatParts(List<Integer> numbers) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(numbers.get(i));
            if (j > i) {
                s.append('-').append(numbers.get(j));
            }
            i = j + 1;
        }
        return s.toString();
    }

    /** The part numbers of {@link #formatParts}; 1..count when absent. */
    static List<Integer> parseParts(String text, int count) {
        List<Integer> numbers = new ArrayList<>();
        if (text == null) {
            for (int n = 1; n <= count; n++) {
                numbers.add(n);
            }
            return numbers;
        }
        for (String run : text.split(",", -1)) {
            int dash = run.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? run : run.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(run.substring(dash + 1));
            for (int n = from; n <= to; n++) {
                numbers.add(n);
            }
        }
        if (numbers.size() != count) {
            throw new IllegalStateException("the object has " + count + " parts but records " + numbers.size());
        }
        return numbers;
    }

    /** The nonce of each of {@code count} parts from {@link #completion}'s list; {@code upload}'s where none. */
    static List<byte[]> parseNonces(String text, int count, byte[] upload) {
        List<byte[]> nonces = new ArrayList<>(count);
        if (text == null) {
            for (int i = 0; i < count; i++) {
                nonces.add(upload);
            }
            return nonces;
        }
        String[] entries = text.split(",", -1);
        if (entries.length != count) {
            throw new IllegalStateException(
                    "the object has " + count + " parts but records " + entries.length + " part nonces");
        }
        for (String entry : entries) {
            nonces.add(entry.isEmpty() ? upload : unb64(entry));
        }
        return nonces;
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }

    /** Checks the plaintext against the client's Content-MD5 when it ends, before the store commits. */
    private static final class Md5Check extends FilterInputStream {
        private final MessageDigest digest;
        private final byte[] expected;
        private boolean checked;

        Md5Check(InputStream in, byte[] expected) {
            super(in);
            try {
                this.digest = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has MD5", e);
            }
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
            } else if (n < 0 && !checked) {
                checked = true;
                if (!MessageDigest.isEqual(digest.digest(), expected)) {
                    throw new S3Exception(S3Error.BAD_DIGEST);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) {
            throw new UnsupportedOperationException("a checked body is read, not skipped");
        }
    }
}
