/** The HTTP edge: Undertow bootstrap, the one request pipeline, and the request and response views handlers use. */
package dev.granary.api.http;
