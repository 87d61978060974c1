package dev.granary.storage;

import java.util.List;

/**
 * One page of ListMultipartUploads, ordered by key, then by upload id.
 *
 * @param uploads the uploads of the page
 * @param commonPrefixes the common prefixes of the page
 * @param truncated whether more entries follow
 * @param nextKeyMarker when truncated, the key (or common prefix) of the last entry
 * @param nextUploadIdMarker when truncated and the last entry is an upload, its id; null otherwise
 */
public record UploadListing(
        List<MultipartUpload> uploads,
        List<String> commonPrefixes,
        boolean truncated,
        String nextKeyMarker,
        String nextUploadIdMarker) {}
