package dev.granary.auth;

import java.io.InputStream;
import java.util.Map;

/**
 * A request body as its consumer should read it: decoded from aws-chunked if it was, and verified against every
 * hash, signature and checksum the request declared. The stream throws {@link PayloadException} instead of
 * reaching its end when a check fails. Results become available once the stream has returned -1; read it from one
 * thread.
 */
public final class DecodedBody {

    private final VerifyingInputStream stream;
    private final long length;
    private final byte[] contentMd5;

    DecodedBody(VerifyingInputStream stream, long length, byte[] contentMd5) {
        this.stream = stream;
        this.length = length;
        this.contentMd5 = contentMd5;
    }

    /** The decoded, verifying body stream. Closing it closes the raw stream. */
    public InputStream stream() {
        return stream;
    }

    /**
     * The decoded length: x-amz-decoded-content-length for aws-chunked bodies, else Content-Length; -1 when the
     * request did not say (chunked transfer encoding). The stream fails if the body turns out shorter or longer.
     */
    public long length() {
        return length;
    }

    /**
     * The flexible checksums of the body, base64 by upper-case algorithm name (CRC32, CRC32C, SHA1, SHA256,
     * CRC64NVME): the one the client declared, verified, or the one it asked for with x-amz-sdk-checksum-algorithm,
     * computed; for a request in OSS's dialect also its CRC-64/XZ in decimal under {@link PayloadDecoder#CRC64ECMA}.
     * Empty until the stream has reached its end.
     */
    public Map<String, String> checksums() {
        return stream.checksums();
    }

    /**
     * The MD5 the client declared in Content-MD5 (its format already checked), for the consumer to compare with
     * the MD5 it computes anyway for the ETag: this stream does not hash with MD5, so a body is hashed once.
     *
     * @return the 16-byte digest, or null when the request had no Content-MD5
     */
    public byte[] contentMd5() {
        return contentMd5 == null ? null : contentMd5.clone();
    }
}
