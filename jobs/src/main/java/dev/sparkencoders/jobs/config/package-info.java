/**
 * A job's configuration: the command line, every key with its default ({@link dev.sparkencoders.jobs.config.ConfigKey},
 * each {@code <section>.<name>}), the resolved values ({@code --set} > {@code --config} file > defaults), the
 * {@link dev.sparkencoders.jobs.config.Job} interface and the model, task and pre-training settings read from it.
 * May use the
 * {@code udfs} library only, no other package of the jobs.
 */
package dev.sparkencoders.jobs.config;
