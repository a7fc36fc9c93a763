package dev.sparkencoders.spark.sql;

import dev.sparkencoders.encoder.Engine;
import dev.sparkencoders.encoder.Precision;
import dev.sparkencoders.model.Pooling;
import dev.sparkencoders.runtime.ModelSpec;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.internal.SQLConf;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.BoxedUnit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Registers the project's SQL functions, batched, in any SparkSession: set {@code spark.sql.extensions} to this
 * class and put the shaded jar on the class path (spark-sql, spark-shell, spark-submit of any job, a Thrift or
 * Connect server). The functions run the model that the session's {@code spark.encoders.model.*} settings name when
 * the query is analysed (the bundled all-MiniLM-L6-v2 by default).
 *
 * <pre>
 * spark-sql --jars spark-encoders-jobs.jar \
 *   --conf spark.sql.extensions=dev.sparkencoders.spark.sql.SparkEncodersExtensions \
 *   --conf spark.encoders.model.path=hdfs:///models/bge-small-en \
 *   -e "SELECT value, embed(value) FROM text.`/data/corpus.txt`"
 * </pre>
 *
 * <ul>
 *   <li>{@value #MODEL_PATH}: checkpoint folder on any file system Hadoop reads (default: the bundled model);</li>
 *   <li>{@value #MODEL_ENGINE}: {@code auto}, {@code pytorch} or {@code onnxruntime} (default auto);</li>
 *   <li>{@value #MODEL_PRECISION}: {@code fp32} or {@code int8} (default fp32; int8 on ONNX Runtime only);</li>
 *   <li>{@value #MODEL_POOLING}, {@value #MODEL_NORMALIZE}, {@value #MODEL_MAX_LENGTH}: as the jobs'
 *       {@code model.pooling}, {@code model.normalize} and {@code model.max-length} (default: the checkpoint's).</li>
 * </ul>
 */
public final class SparkEncodersExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

    public static final String MODEL_PATH = "spark.encoders.model.path";
    public static final String MODEL_ENGINE = "spark.encoders.model.engine";
    public static final String MODEL_PRECISION = "spark.encoders.model.precision";
    public static final String MODEL_POOLING = "spark.encoders.model.pooling";
    public static final String MODEL_NORMALIZE = "spark.encoders.model.normalize";
    public static final String MODEL_MAX_LENGTH = "spark.encoders.model.max-length";

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (SqlFunction function : SqlFunction.values()) {
            extensions.injectFunction(definition(function, SparkEncodersExtensions::sessionModel));
        }
        extensions.injectOptimizerRule(session -> new BatchCallsRule());
        extensions.injectPlannerStrategy(session -> new BatchCallsStrategy());
        return BoxedUnit.UNIT;
    }

    /** The name, description and builder of {@code function}, its calls bound to the model {@code spec} gives. */
    static Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>> definition(
            SqlFunction function, Supplier<ModelSpec> spec) {
        ExpressionInfo info = new ExpressionInfo(EncoderCall.class.getName(), null, function.sqlName(),
                function.usage(), "", "", "", "", "", "", "java_udf");
        Function1<Seq<Expression>, Expression> builder = args -> new EncoderCall(function, spec.get(), args);
        return new Tuple3<>(FunctionIdentifier.apply(function.sqlName()), info, builder);
    }

    private static final Map<List<String>, ModelSpec> SPECS = new ConcurrentHashMap<>();

    /**
     * The model the active session's {@code spark.encoders.model.*} settings name; resolved once per distinct
     * settings (a model on a distributed file system is copied to the driver's cache then).
     */
    static ModelSpec sessionModel() {
        SQLConf conf = SQLConf.get();
        List<String> settings = List.of(conf.getConfString(MODEL_PATH, ""), conf.getConfString(MODEL_ENGINE, "auto"),
                conf.getConfString(MODEL_POOLING, ""), conf.getConfString(MODEL_NORMALIZE, ""),
                conf.getConfString(MODEL_MAX_LENGTH, ""), conf.getConfString(MODEL_PRECISION, "fp32"));
        return SPECS.computeIfAbsent(settings, SparkEncodersExtensions::spec);
    }

    private static ModelSpec spec(List<String> s) {
        String normalize = s.get(3).trim();
        if (!normalize.isEmpty() && !normalize.equals("true") && !normalize.equals("false")) {
            throw new IllegalArgumentException("Cannot use " + MODEL_NORMALIZE + "=" + normalize + ": not a boolean"
                    + " (set true or false)");
        }
        Integer maxLength;
        try {
            maxLength = s.get(4).isBlank() ? null : Integer.parseInt(s.get(4).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Cannot use " + MODEL_MAX_LENGTH + "=" + s.get(4) + ": not a whole"
                    + " number (set a token count such as 256)", e);
        }
        return ModelSpec.onDriver(s.get(0), s.get(2).isBlank() ? null : Pooling.parse(s.get(2)),
                normalize.isEmpty() ? null : Boolean.valueOf(normalize), maxLength, Engine.parse(s.get(1)),
                Precision.parse(s.get(5)));
    }
}
