/**
 * The admin listener: the usage API ({@code /admin/v1/usage}, {@code /admin/v1/usage/storage}) and the users and
 * access keys API ({@code /admin/v1/users}), authenticated by SigV4 with the root credentials, and the Prometheus
 * endpoint {@code /metrics}, on a port of their own.
 */
package dev.granary.api.admin;
