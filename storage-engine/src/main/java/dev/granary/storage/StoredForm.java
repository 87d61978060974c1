package dev.granary.storage;

import java.io.InputStream;

/**
 * What the store writes of a body whose stored bytes are not the ones the client sent (the API layer encrypts
 * them). The store digests the body as sent (the ETag, the Content-MD5 check) and writes the bytes of
 * {@link #encode}, which must yield exactly as many bytes as the body; reads return the stored bytes.
 */
@FunctionalInterface
public interface StoredForm {
    /** The body stored as it is. */
    StoredForm IDENTITY = body -> body;

    /**
     * The bytes to store for {@code body}, read by the store to their end.
     *
     * @param body the body as sent, digested as it is read
     * @return a stream of the same length
     */
    InputStream encode(InputStream body);
}
