/**
 * One handler per S3 operation, named after the action in the AWS S3 API reference, plus the typed request
 * values they share (ranges, conditions, object headers, copy sources). Handlers parse, call the store and
 * write the answer; the pipeline in {@code RootHandler} does routing, auth, errors and metering.
 */
package dev.granary.api.handler;
