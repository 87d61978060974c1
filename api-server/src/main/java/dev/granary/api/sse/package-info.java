/**
 * The cryptography of server-side encryption, without HTTP: AES-256-CTR streams that start at any byte of an
 * object made of independently encrypted parts ({@link dev.granary.api.sse.CtrStream}), and the keys
 * ({@link dev.granary.api.sse.SseKeys}): the SSE-S3 key-encryption key derived from the master key, data keys
 * wrapped under it, and the per-object keys derived from a customer's (SSE-C) key.
 */
package dev.granary.api.sse;
