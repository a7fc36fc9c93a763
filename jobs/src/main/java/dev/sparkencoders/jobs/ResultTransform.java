package dev.sparkencoders.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A task whose result rows go through a driver-planned stage before they are written, such as an MLlib
 * {@code PipelineModel} applied to the embeddings ({@link PipelineHeadTask}). The rows it gets are the input columns,
 * the task's columns and {@code error}; it returns the rows to write, {@code error} still last.
 */
interface ResultTransform {

    Dataset<Row> transform(Dataset<Row> results);
}
