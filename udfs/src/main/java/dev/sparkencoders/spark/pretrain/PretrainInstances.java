package dev.sparkencoders.spark.pretrain;

import dev.sparkencoders.text.pretrain.DocumentInstances;
import dev.sparkencoders.text.pretrain.InstanceDraft;
import dev.sparkencoders.text.pretrain.PretrainInstance;
import dev.sparkencoders.text.pretrain.PretrainSettings;
import dev.sparkencoders.text.pretrain.TokenizedDocument;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * The instances of a numbered corpus ({@link PretrainCorpus#index}): every copy of every document drafted where it
 * lies ({@link DocumentInstances#draft}); drafts whose segment B comes from a random other document joined with
 * that document by its number, wherever it lies; all truncated and masked, and put in their seeded order
 * ({@link PretrainInstance#order}). Nothing depends on the partitioning.
 *
 * <pre>{@code
 * JavaRDD<PretrainInstance> instances = PretrainInstances.build(numbered, summary.documents(), settings, 8);
 * }</pre>
 */
public final class PretrainInstances {

    private PretrainInstances() {}

    public static JavaRDD<PretrainInstance> build(JavaRDD<TokenizedDocument> numbered, long documents,
                                                  PretrainSettings settings, int partitions) {
        JavaRDD<InstanceDraft> drafts = numbered.flatMap(doc -> {
            List<InstanceDraft> all = new ArrayList<>();
            for (int copy = 0; copy < settings.dupeFactor(); copy++) {
                all.addAll(DocumentInstances.draft(doc, copy, documents, settings));
            }
            return all.iterator();
        });
        JavaRDD<PretrainInstance> local = drafts.filter(d -> !d.needsRandomNext())
                .map(d -> DocumentInstances.finish(d, settings));
        JavaPairRDD<Long, InstanceDraft> pending = drafts.filter(InstanceDraft::needsRandomNext)
                .mapToPair(d -> new Tuple2<>(d.randomDocument(), d));
        JavaPairRDD<Long, TokenizedDocument> byNumber = numbered.mapToPair(doc -> new Tuple2<>(doc.index(), doc));
        JavaRDD<PretrainInstance> joined = pending.join(byNumber, partitions).values()
                .map(pair -> DocumentInstances.finish(DocumentInstances.withRandomNext(pair._1(), pair._2(), settings),
                        settings));
        long seed = settings.seed();
        return local.union(joined).sortBy(instance -> instance.order(seed), true, partitions);
    }
}
