/**
 * Tests of the configuration: precedence, unknown and former key spellings, secrets masked, every shipped
 * {@code conf/*.conf} resolving. May use {@code jobs.config} and the test runner's project root.
 */
package dev.sparkencoders.jobs.config;
