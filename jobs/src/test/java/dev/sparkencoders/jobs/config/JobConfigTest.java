package dev.sparkencoders.jobs.config;

import dev.sparkencoders.jobs.JobRunner;
import dev.sparkencoders.runtime.ModelSpec;
import dev.sparkencoders.text.TokenBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {

    @TempDir
    Path dir;

    @Test
    void commandLineBeatsConfigFileBeatsDefaults() throws IOException {
        Path file = dir.resolve("embed.conf");
        Files.writeString(file, "# comment\ninput.path = from-file.txt\noutput.format = json\nbatch.max-rows = 32\n");
        JobConfig config = JobConfig.resolve(CommandLine.parse("embed", "--config", file.toString(),
                "--set", "output.format=parquet", "--set", "spark.executor.memory=2g"));
        assertEquals("from-file.txt", config.get(ConfigKey.INPUT_PATH));
        assertEquals("parquet", config.get(ConfigKey.OUTPUT_FORMAT));
        assertEquals(32, config.positiveInt(ConfigKey.BATCH_MAX_ROWS));
        assertEquals("text", config.get(ConfigKey.INPUT_FORMAT));
        assertEquals("local[*]", config.sparkSettings().get("spark.master"));
        assertEquals("2g", config.sparkSettings().get("spark.executor.memory"));
        assertNull(config.get(ConfigKey.MODEL_PATH));
    }

    @Test
    void aKeyIsGivenByTheFileOrTheCommandLineNotByItsDefault() throws IOException {
        Path file = dir.resolve("classify.conf");
        Files.writeString(file, "truncation.strategy = tail\nmodel.path =\n");
        JobConfig config = JobConfig.resolve(CommandLine.parse("classify", "--config", file.toString(),
                "--set", "windows.stride=64"));
        assertTrue(config.isGiven(ConfigKey.TRUNCATION_STRATEGY));
        assertTrue(config.isGiven(ConfigKey.WINDOWS_STRIDE));
        assertTrue(!config.isGiven(ConfigKey.TRUNCATION_HEAD_TOKENS), "a default is not given");
        assertTrue(!config.isGiven(ConfigKey.MODEL_PATH), "an empty value is not given");
    }

    @Test
    void refusesUnknownKeysNamingWhereTheyCameFrom() throws IOException {
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> JobConfig.resolve(CommandLine.parse("embed", "--set", "input.pth=x")));
        assertTrue(e.getMessage().startsWith("Cannot use config key 'input.pth' in --set: unknown key"), e.getMessage());
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "ouput.path = x\n");
        e = assertThrows(JobConfigException.class,
                () -> JobConfig.resolve(CommandLine.parse("embed", "--config", file.toString())));
        assertTrue(e.getMessage().contains("'ouput.path' in " + file), e.getMessage());
    }

    @Test
    void anUnsetTokenBudgetIsTheEngines() {
        JobConfig unset = JobConfig.resolve(CommandLine.parse("embed"));
        assertEquals(new TokenBudget(TokenBudget.ENGINE_TOKENS, 256),
                TaskConfig.settings(unset, ModelSpec.bundled()).budget());
        JobConfig set = JobConfig.resolve(CommandLine.parse("embed", "--set", "batch.max-tokens=2048"));
        assertEquals(new TokenBudget(2_048, 256), TaskConfig.settings(set, ModelSpec.bundled()).budget());
    }

    @Test
    void explainsMissingAndMalformedValues() {
        JobConfig config = JobConfig.resolve(CommandLine.parse("embed", "--set", "batch.max-tokens=-5",
                "--set", "model.normalize=yes", "--set", "qa.null-threshold=NaN", "--set", "zero-shot.temperature=0.1"));
        assertEquals("Cannot use qa.null-threshold=NaN: expected a number",
                assertThrows(JobConfigException.class, () -> config.number(ConfigKey.QA_NULL_THRESHOLD)).getMessage());
        assertEquals(0.1, config.number(ConfigKey.ZERO_SHOT_TEMPERATURE));
        assertTrue(assertThrows(JobConfigException.class, () -> config.require(ConfigKey.OUTPUT_PATH))
                .getMessage().startsWith("Cannot start: output.path is not set"));
        assertEquals("Cannot use batch.max-tokens=-5: expected a positive integer",
                assertThrows(JobConfigException.class, () -> config.positiveInt(ConfigKey.BATCH_MAX_TOKENS)).getMessage());
        assertEquals("Cannot use model.normalize=yes: expected true or false",
                assertThrows(JobConfigException.class, () -> config.bool(ConfigKey.MODEL_NORMALIZE)).getMessage());
    }

    @Test
    void masksSecrets() {
        JobConfig config = JobConfig.resolve(CommandLine.parse("embed",
                "--set", "spark.hadoop.fs.s3a.secret.key=hunter2", "--set", "input.path=s3a://bucket/x"));
        assertEquals("*****", config.masked().get("spark.hadoop.fs.s3a.secret.key"));
        assertEquals("s3a://bucket/x", config.masked().get("input.path"));
        assertEquals("s3a://AKIAEXAMPLE:*****@bucket/in.csv and ftp://etl:*****@host/out",
                JobConfig.maskUriPasswords("s3a://AKIAEXAMPLE:wJalr%2FSecret@bucket/in.csv and ftp://etl:p4ss@host/out"));
        assertEquals("hdfs://namenode:8020/corpus", JobConfig.maskUriPasswords("hdfs://namenode:8020/corpus"),
                "a port is not a password");
        assertTrue(JobConfig.isSecret("spark.hadoop.fs.s3a.access.key"));
        assertTrue(JobConfig.isSecret("spark.hadoop.fs.azure.sas.token"));
        assertTrue(!JobConfig.isSecret("batch.max-tokens"), "a token budget is not a secret");
    }

    @Test
    void masksSecretsThatSparkAndHadoopSpellInOtherWays() {
        for (String key : List.of("spark.hadoop.javax.jdo.option.ConnectionPassword", "spark.ssl.keyPassword",
                "spark.hadoop.fs.azure.account.key.myaccount.dfs.core.windows.net",
                "spark.hadoop.fs.azure.sas.container.myaccount.blob.core.windows.net",
                "spark.hadoop.fs.azure.account.oauth2.client.secret", "spark.hadoop.fs.s3a.encryption.key",
                "spark.hadoop.fs.s3a.session.token", "spark.hadoop.fs.gs.auth.access.token.credential",
                "spark.hadoop.my_api_key", "spark.executorEnv.HF_TOKEN", "spark.executorEnv.AWS_SECRET_ACCESS_KEY")) {
            assertTrue(JobConfig.isSecret(key), key);
        }
        for (ConfigKey key : ConfigKey.values()) {
            assertTrue(!JobConfig.isSecret(key.key()), key.key() + " is not a secret");
        }
        assertTrue(!JobConfig.isSecret("spark.hadoop.fs.s3a.endpoint"));
    }

    @Test
    void everyShippedConfigFileResolves() throws IOException {
        try (var files = Files.list(JobRunner.projectRoot().resolve("conf"))) {
            List<Path> confs = files.filter(p -> p.toString().endsWith(".conf")).toList();
            assertTrue(confs.size() >= 7, "one config file per job: " + confs);
            for (Path conf : confs) {
                JobConfig config = JobConfig.resolve(CommandLine.parse("job", "--config", conf.toString()));
                boolean writesRows = !conf.getFileName().toString().equals("bench.conf");
                assertTrue(!writesRows || config.get(ConfigKey.OUTPUT_PATH) != null, conf + " sets output.path");
                assertEquals(List.of(), config.deprecations(), conf + " uses the current key spellings");
            }
        }
    }

    @Test
    void formerKeySpellingsStillWorkAndWarnOnceNamingTheNewKey() throws IOException {
        Path file = dir.resolve("evaluate.conf");
        Files.writeString(file, "task = intent\ntrain.path = from-file.csv\nerrors = fail\n");
        JobConfig config = JobConfig.resolve(CommandLine.parse("evaluate", "--config", file.toString(),
                "--set", "train.path=train.csv", "--set", "test.path=test.csv", "--set", "truncation=tail"));
        assertEquals("intent", config.get(ConfigKey.EVALUATE_TASK));
        assertEquals("train.csv", config.get(ConfigKey.EVALUATE_TRAIN_PATH), "--set still beats the config file");
        assertEquals("test.csv", config.get(ConfigKey.EVALUATE_TEST_PATH));
        assertEquals("fail", config.get(ConfigKey.ERRORS_MODE));
        assertEquals("tail", config.get(ConfigKey.TRUNCATION_STRATEGY));
        assertTrue(config.isGiven(ConfigKey.EVALUATE_TRAIN_PATH));
        assertEquals(List.of(
                "Config key 'errors' is deprecated and will be removed in the next release: use 'errors.mode' instead",
                "Config key 'task' is deprecated and will be removed in the next release: use 'evaluate.task' instead",
                "Config key 'train.path' is deprecated and will be removed in the next release: use"
                        + " 'evaluate.train-path' instead",
                "Config key 'test.path' is deprecated and will be removed in the next release: use"
                        + " 'evaluate.test-path' instead",
                "Config key 'truncation' is deprecated and will be removed in the next release: use"
                        + " 'truncation.strategy' instead"),
                config.deprecations(), "one warning per former spelling, though train.path came twice");
        assertEquals("evaluate.train-path", config.masked().keySet().stream().filter(k -> k.contains("train"))
                .findFirst().orElseThrow(), "only the current spelling is kept");
    }

    @Test
    void theCurrentSpellingWinsOverTheFormerOneInTheSameSource() {
        JobConfig config = JobConfig.resolve(CommandLine.parse("sql", "--set", "sql.query=SELECT 2",
                "--set", "query=SELECT 1"));
        assertEquals("SELECT 2", config.get(ConfigKey.SQL_QUERY));
        assertEquals(1, config.deprecations().size());
    }

    @Test
    void everyKeyIsSectionDotName() {
        for (ConfigKey key : ConfigKey.values()) {
            assertTrue(key.key().matches("[a-z]+(-[a-z]+)*\\.[a-z0-9]+(-[a-z0-9]+)*"), key.key());
            key.formerKey().ifPresent(former -> assertTrue(ConfigKey.byKey(former).isEmpty(), former));
        }
    }

    @Test
    void parsesTheCommandLineStrictly() {
        assertThrows(JobConfigException.class, () -> CommandLine.parse());
        assertThrows(JobConfigException.class, () -> CommandLine.parse("embed", "--set"));
        assertThrows(JobConfigException.class, () -> CommandLine.parse("embed", "--set", "novalue"));
        assertThrows(JobConfigException.class, () -> CommandLine.parse("embed", "stray"));
    }
}
