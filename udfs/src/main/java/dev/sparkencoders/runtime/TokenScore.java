package dev.sparkencoders.runtime;

/** A vocabulary token and its probability, as a fill-mask prediction. */
public record TokenScore(long id, String token, float score) {}
