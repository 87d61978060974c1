/**
 * The HTTP edge: Undertow bootstrap, the one request pipeline (route, authenticate, authorize with
 * {@link dev.granary.api.http.AccessControl}, handle), and the request and response views handlers use.
 */
package dev.granary.api.http;
