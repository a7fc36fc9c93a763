package dev.sparkencoders.reference;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small HuggingFace {@code tokenizer.json} files (and {@code tokenizer_config.json}) per family, in the format of
 * the Rust tokenizers library (loadable by DJL's {@code HuggingFaceTokenizer}):
 *
 * <ul>
 *   <li>BERT, ELECTRA, DistilBERT: BERT uncased WordPiece (BertNormalizer lowercase, BertPreTokenizer,
 *       {@code [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4}, then lowercase words, punctuation and a few "##" suffixes;
 *       TemplateProcessing "[CLS] $A [SEP]" / "[CLS] $A [SEP] $B:1 [SEP]:1").</li>
 *   <li>RoBERTa: byte-level BPE ({@code <s>=0 <pad>=1 </s>=2 <unk>=3 <mask>=4}, then the 256 byte characters of
 *       GPT-2's bytes_to_unicode in byte order, then the merge results); ByteLevel pre-tokenizer without prefix
 *       space; RobertaProcessing "&lt;s&gt; A &lt;/s&gt;" and "&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;";
 *       {@code <mask>} has lstrip like roberta-base's.</li>
 *   <li>ALBERT: SentencePiece-style Unigram ({@code <pad>=0 <unk>=1 [CLS]=2 [SEP]=3 [MASK]=4}, then "▁word"
 *       pieces, suffix pieces, "▁" and single characters); lowercase normalizer, WhitespaceSplit + Metaspace
 *       pre-tokenizer; TemplateProcessing like BERT's.</li>
 *   <li>XLM-RoBERTa, CamemBERT: cased SentencePiece Unigram as converted by transformers (NFKC, runs of spaces
 *       collapsed, Metaspace; TemplateProcessing "&lt;s&gt; A &lt;/s&gt;" and "&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B
 *       &lt;/s&gt;", all type id 0); words in English, French, German and Chinese; {@code <mask>} last, with
 *       lstrip. XLM-R: {@code <s>=0 <pad>=1 </s>=2 <unk>=3}; CamemBERT keeps fairseq's unused entries first, so
 *       {@code <pad>=1 <unk>=3 <s>=5 </s>=6}.</li>
 *   <li>ModernBERT: byte-level BPE like ModernBERT-base's (the byte characters and merges of RoBERTa's, NFC,
 *       specials {@code [UNK] [CLS] [SEP] [PAD] [MASK]} after them), TemplateProcessing like BERT's.</li>
 * </ul>
 */
public final class SyntheticTokenizers {

    /** Everything a test needs to know about a family's synthetic tokenizer. */
    public record Spec(
            Family family,
            List<String> vocab,
            String padToken, int padId,
            String unkToken, int unkId,
            String clsToken, int clsId,
            String sepToken, int sepId,
            String maskToken, int maskId,
            JsonObject tokenizerJson,
            JsonObject tokenizerConfigJson) {

        public int vocabSize() {
            return vocab.size();
        }

        /** The id of a vocabulary entry, or -1. */
        public int id(String token) {
            return vocab.indexOf(token);
        }
    }

    /** Lowercase words of the WordPiece vocabulary (after the 5 special tokens and the punctuation). */
    static final List<String> WORDPIECE_WORDS = List.of(
            "the", "a", "an", "cat", "dog", "sat", "on", "mat", "is", "was", "are", "were", "and", "or", "but",
            "in", "of", "to", "it", "this", "that", "he", "she", "they", "we", "you", "i", "my", "your", "his",
            "her", "their", "big", "small", "red", "blue", "green", "happy", "sad", "good", "bad", "very", "not",
            "no", "yes", "run", "ran", "walk", "play", "eat", "see", "saw", "like", "love", "hate", "house", "car",
            "tree", "park", "city", "paris", "london", "france", "capital", "john", "mary", "alice", "bob", "new",
            "old", "day", "night", "sun", "moon", "with", "for", "from", "at", "by", "book", "read", "write",
            "quick", "brown", "fox", "jump", "over", "lazy", "hello", "world", "music", "food", "water", "fast",
            "slow", "home", "work", "school", "time", "year", "people", "man", "woman", "movie", "great",
            "terrible", "lives", "first", "second");

    static final List<String> WORDPIECE_PUNCT = List.of(".", ",", "!", "?", "'", "-");

    static final List<String> WORDPIECE_SUFFIXES = List.of("##s", "##ed", "##ing", "##ly", "##er");

    /** Words (byte-level form, "Ġ" = leading space) that the RoBERTa merges assemble into single tokens. */
    static final List<String> BPE_WORDS = List.of(
            "the", "The", "Ġthe", "ĠThe", "Ġcat", "Ġsat", "Ġon", "Ġmat", "Ġa", "Ġdog", "Ġis", "Ġwas", "Ġcapital",
            "Ġof", "ĠFrance", "ĠParis", "Ġand", "Ġto", "Ġin", "Ġit", "Hello", "Ġhello", "Ġworld", "Ġlove", "Ġlike",
            "Ġgood", "Ġbad", "Ġgreat", "Ġmovie", "Ġhappy", "Ġsad", "Ġrun", "Ġpark", "ĠJohn", "ĠMary", "ĠLondon",
            "Ġlives", "Ġsentence", "Ġfirst", "Ġsecond", "Ġquick", "Ġbrown", "Ġfox", "Ġjumps", "Ġover", "Ġlazy",
            "Ġterrible");

    /** Whole-word Unigram pieces of the ALBERT vocabulary (without the "▁"). */
    static final List<String> UNIGRAM_WORDS = List.of(
            "the", "cat", "sat", "on", "mat", "a", "dog", "is", "was", "capital", "of", "france", "paris", "and",
            "to", "in", "it", "hello", "world", "love", "like", "good", "bad", "great", "movie", "happy", "sad",
            "run", "park", "john", "mary", "london", "lives", "first", "second", "sentence", "quick", "brown",
            "fox", "over", "lazy", "this", "that", "he", "she", "they", "we", "you", "i", "my", "terrible");

    /** Cased whole-word pieces of the XLM-R and CamemBERT vocabularies (without the "▁"), several languages. */
    static final List<String> MULTILINGUAL_WORDS = List.of(
            "The", "the", "cat", "sat", "on", "mat", "a", "dog", "is", "was", "capital", "of", "France", "Paris",
            "and", "to", "in", "it", "Hello", "hello", "world", "love", "like", "good", "bad", "great", "movie",
            "happy", "sad", "run", "park", "John", "Mary", "London", "lives", "first", "second", "sentence", "quick",
            "brown", "fox", "over", "lazy", "This", "this", "that", "he", "she", "they", "we", "you", "I", "my",
            "terrible", "le", "la", "chat", "est", "sur", "très", "bon", "été", "café", "der", "die", "Hund", "über",
            "schön", "北京", "中国", "首都");

    static final List<String> UNIGRAM_SUFFIXES = List.of("ed", "ing", "ly"); // "s" is among the letters

    static final String SPIECE_UNDERLINE = "\u2581";

    private SyntheticTokenizers() {}

    /** The synthetic tokenizer of a family (deterministic: the same for every seed). */
    public static Spec of(Family family, int modelMaxLength) {
        return switch (family) {
            case BERT, ELECTRA, DISTILBERT -> wordPiece(family, modelMaxLength);
            case ROBERTA -> byteLevelBpe(modelMaxLength);
            case ALBERT -> unigram(modelMaxLength);
            case XLM_ROBERTA -> sentencePieceRoberta(family, List.of("<s>", "<pad>", "</s>", "<unk>"), "<s>", "</s>",
                    modelMaxLength);
            case CAMEMBERT -> sentencePieceRoberta(family, List.of("<s>NOTUSED", "<pad>", "</s>NOTUSED", "<unk>",
                    "<unk>NOTUSED", "<s>", "</s>"), "<s>", "</s>", modelMaxLength);
            case MODERNBERT -> modernBertBpe(modelMaxLength);
        };
    }

    // ------------------------------------------------------------------------------------------ WordPiece

    static Spec wordPiece(Family family, int modelMaxLength) {
        List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        vocab.addAll(WORDPIECE_PUNCT);
        vocab.addAll(WORDPIECE_WORDS);
        vocab.addAll(WORDPIECE_SUFFIXES);
        requireUnique(vocab);

        JsonObject t = header();
        t.add("added_tokens", addedTokens(vocab, List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), null));
        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "BertNormalizer");
        normalizer.addProperty("clean_text", true);
        normalizer.addProperty("handle_chinese_chars", true);
        normalizer.add("strip_accents", JsonNull.INSTANCE);
        normalizer.addProperty("lowercase", true);
        t.add("normalizer", normalizer);
        t.add("pre_tokenizer", type("BertPreTokenizer"));
        t.add("post_processor", template(vocab, "[CLS]", "[SEP]"));
        JsonObject decoder = type("WordPiece");
        decoder.addProperty("prefix", "##");
        decoder.addProperty("cleanup", true);
        t.add("decoder", decoder);
        JsonObject model = type("WordPiece");
        model.addProperty("unk_token", "[UNK]");
        model.addProperty("continuing_subword_prefix", "##");
        model.addProperty("max_input_chars_per_word", 100);
        model.add("vocab", vocabObject(vocab));
        t.add("model", model);

        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", switch (family) {
            case ELECTRA -> "ElectraTokenizer";
            case DISTILBERT -> "DistilBertTokenizer";
            default -> "BertTokenizer";
        });
        config.addProperty("do_lower_case", true);
        config.addProperty("tokenize_chinese_chars", true);
        config.addProperty("model_max_length", modelMaxLength);
        config.addProperty("clean_up_tokenization_spaces", true);
        config.addProperty("cls_token", "[CLS]");
        config.addProperty("sep_token", "[SEP]");
        config.addProperty("pad_token", "[PAD]");
        config.addProperty("unk_token", "[UNK]");
        config.addProperty("mask_token", "[MASK]");
        return new Spec(family, List.copyOf(vocab), "[PAD]", 0, "[UNK]", 1, "[CLS]", 2, "[SEP]", 3, "[MASK]", 4,
                t, config);
    }

    // ------------------------------------------------------------------------------------------ byte-level BPE

    /** GPT-2's bytes_to_unicode: the printable character standing for each byte. */
    public static char[] bytesToUnicode() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = direct[b] ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    /** A string's UTF-8 bytes in byte-level characters (" cat" becomes "Ġcat"). */
    public static String byteLevel(String text) {
        char[] map = bytesToUnicode();
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            sb.append(map[b & 0xff]);
        }
        return sb.toString();
    }

    static Spec byteLevelBpe(int modelMaxLength) {
        List<String> vocab = new ArrayList<>(List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>"));
        for (char c : bytesToUnicode()) {
            vocab.add(String.valueOf(c));
        }
        List<String[]> merges = buildMerges(BPE_WORDS, vocab);
        requireUnique(vocab);

        JsonObject t = header();
        t.add("added_tokens", addedTokens(vocab, List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>"), "<mask>"));
        t.add("normalizer", JsonNull.INSTANCE);
        t.add("pre_tokenizer", byteLevelStep(false));
        JsonObject post = type("RobertaProcessing");
        post.add("sep", pair("</s>", 2));
        post.add("cls", pair("<s>", 0));
        post.addProperty("trim_offsets", true);
        post.addProperty("add_prefix_space", false);
        t.add("post_processor", post);
        t.add("decoder", byteLevelStep(true));
        t.add("model", bpeModel(vocab, merges));

        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "RobertaTokenizer");
        config.addProperty("model_max_length", modelMaxLength);
        config.addProperty("add_prefix_space", false);
        config.addProperty("trim_offsets", true);
        config.addProperty("errors", "replace");
        config.addProperty("bos_token", "<s>");
        config.addProperty("eos_token", "</s>");
        config.addProperty("cls_token", "<s>");
        config.addProperty("sep_token", "</s>");
        config.addProperty("unk_token", "<unk>");
        config.addProperty("pad_token", "<pad>");
        config.addProperty("mask_token", "<mask>");
        return new Spec(Family.ROBERTA, List.copyOf(vocab), "<pad>", 1, "<unk>", 3, "<s>", 0, "</s>", 2, "<mask>",
                4, t, config);
    }

    /**
     * ModernBERT's kind of tokenizer (OLMo's byte-level BPE as ModernBERT-base ships it): NFC normalizer, ByteLevel
     * pre-tokenizer without prefix space, the 256 byte characters and the merge results first, the specials last
     * ({@code [UNK] [CLS] [SEP] [PAD] [MASK]}, [MASK] with lstrip), TemplateProcessing "[CLS] $A [SEP]" and
     * "[CLS] $A [SEP] $B:1 [SEP]:1".
     */
    static Spec modernBertBpe(int modelMaxLength) {
        List<String> vocab = new ArrayList<>();
        for (char c : bytesToUnicode()) {
            vocab.add(String.valueOf(c));
        }
        List<String[]> merges = buildMerges(BPE_WORDS, vocab);
        List<String> specials = List.of("[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]");
        vocab.addAll(specials);
        requireUnique(vocab);

        JsonObject t = header();
        t.add("added_tokens", addedTokens(vocab, specials, "[MASK]"));
        t.add("normalizer", type("NFC"));
        t.add("pre_tokenizer", byteLevelStep(false));
        t.add("post_processor", template(vocab, "[CLS]", "[SEP]"));
        t.add("decoder", byteLevelStep(true));
        t.add("model", bpeModel(vocab, merges));

        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        config.addProperty("model_max_length", modelMaxLength);
        config.addProperty("clean_up_tokenization_spaces", true);
        config.addProperty("cls_token", "[CLS]");
        config.addProperty("sep_token", "[SEP]");
        config.addProperty("unk_token", "[UNK]");
        config.addProperty("pad_token", "[PAD]");
        config.addProperty("mask_token", "[MASK]");
        JsonArray inputs = new JsonArray();
        inputs.add("input_ids");
        inputs.add("attention_mask");
        config.add("model_input_names", inputs);
        return new Spec(Family.MODERNBERT, List.copyOf(vocab), "[PAD]", vocab.indexOf("[PAD]"), "[UNK]",
                vocab.indexOf("[UNK]"), "[CLS]", vocab.indexOf("[CLS]"), "[SEP]", vocab.indexOf("[SEP]"), "[MASK]",
                vocab.indexOf("[MASK]"), t, config);
    }

    private static JsonObject byteLevelStep(boolean addPrefixSpace) {
        JsonObject step = type("ByteLevel");
        step.addProperty("add_prefix_space", addPrefixSpace);
        step.addProperty("trim_offsets", true);
        step.addProperty("use_regex", true);
        return step;
    }

    private static JsonObject bpeModel(List<String> vocab, List<String[]> merges) {
        JsonObject model = type("BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocabObject(vocab));
        JsonArray m = new JsonArray();
        for (String[] merge : merges) {
            m.add(merge[0] + " " + merge[1]);
        }
        model.add("merges", m);
        return model;
    }

    /**
     * Merges that turn each word into one token. For each word in turn, the current merges are applied (lowest rank
     * first, leftmost on ties, as the tokenizers library does); while more than one piece remains, a merge of the
     * first two pieces is appended (lowest priority, so earlier words keep their tokenization) and its result added
     * to the vocabulary.
     */
    static List<String[]> buildMerges(List<String> words, List<String> vocab) {
        List<String[]> merges = new ArrayList<>();
        Map<String, Integer> ranks = new HashMap<>();
        for (String word : words) {
            while (true) {
                List<String> pieces = applyBpe(word, ranks);
                if (pieces.size() == 1) {
                    break;
                }
                String a = pieces.get(0);
                String b = pieces.get(1);
                ranks.put(a + " " + b, merges.size());
                merges.add(new String[] {a, b});
                if (!vocab.contains(a + b)) {
                    vocab.add(a + b);
                }
            }
        }
        return merges;
    }

    /** BPE on one pre-tokenized word (byte-level characters), given merge ranks keyed by "a b". */
    public static List<String> applyBpe(String word, Map<String, Integer> ranks) {
        List<String> pieces = new ArrayList<>();
        word.codePoints().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
        while (pieces.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < pieces.size(); i++) {
                Integer r = ranks.get(pieces.get(i) + " " + pieces.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            pieces.set(best, pieces.get(best) + pieces.remove(best + 1));
        }
        return pieces;
    }

    // ------------------------------------------------------------------------------------------ Unigram

    static Spec unigram(int modelMaxLength) {
        List<String> vocab = new ArrayList<>(List.of("<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"));
        List<Double> scores = new ArrayList<>(List.of(0.0, 0.0, 0.0, 0.0, 0.0));
        // Whole words are far likelier than their spelling, so Viterbi keeps them whole.
        for (int i = 0; i < UNIGRAM_WORDS.size(); i++) {
            vocab.add(SPIECE_UNDERLINE + UNIGRAM_WORDS.get(i));
            scores.add(-5.0 - 0.01 * i);
        }
        for (String s : UNIGRAM_SUFFIXES) {
            vocab.add(s);
            scores.add(-6.0);
        }
        vocab.add(SPIECE_UNDERLINE);
        scores.add(-4.0);
        for (char c = 'a'; c <= 'z'; c++) {
            vocab.add(String.valueOf(c));
            scores.add(-7.0 - 0.01 * (c - 'a'));
        }
        for (String p : List.of(".", ",", "!", "?", "'", "-")) {
            vocab.add(p);
            scores.add(-6.5);
        }
        for (char c = '0'; c <= '9'; c++) {
            vocab.add(String.valueOf(c));
            scores.add(-8.0);
        }
        requireUnique(vocab);

        JsonObject t = header();
        t.add("added_tokens", addedTokens(vocab, List.of("<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"), null));
        JsonObject normalizer = type("Sequence");
        JsonArray norms = new JsonArray();
        norms.add(replace("``", "\""));
        norms.add(replace("''", "\""));
        norms.add(type("NFKD"));
        norms.add(type("StripAccents"));
        norms.add(type("Lowercase"));
        normalizer.add("normalizers", norms);
        t.add("normalizer", normalizer);
        JsonObject pre = type("Sequence");
        JsonArray pres = new JsonArray();
        pres.add(type("WhitespaceSplit"));
        pres.add(metaspace());
        pre.add("pretokenizers", pres);
        t.add("pre_tokenizer", pre);
        t.add("post_processor", template(vocab, "[CLS]", "[SEP]"));
        t.add("decoder", metaspace());
        t.add("model", unigramModel(vocab, scores, 1));

        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "AlbertTokenizer");
        config.addProperty("do_lower_case", true);
        config.addProperty("remove_space", true);
        config.addProperty("keep_accents", false);
        config.addProperty("model_max_length", modelMaxLength);
        config.addProperty("bos_token", "[CLS]");
        config.addProperty("eos_token", "[SEP]");
        config.addProperty("cls_token", "[CLS]");
        config.addProperty("sep_token", "[SEP]");
        config.addProperty("unk_token", "<unk>");
        config.addProperty("pad_token", "<pad>");
        config.addProperty("mask_token", "[MASK]");
        return new Spec(Family.ALBERT, List.copyOf(vocab), "<pad>", 0, "<unk>", 1, "[CLS]", 2, "[SEP]", 3, "[MASK]",
                4, t, config);
    }

    static Spec sentencePieceRoberta(Family family, List<String> specials, String cls, String sep,
                                     int modelMaxLength) {
        List<String> vocab = new ArrayList<>(specials);
        List<Double> scores = new ArrayList<>();
        specials.forEach(x -> scores.add(0.0));
        for (int i = 0; i < MULTILINGUAL_WORDS.size(); i++) {
            vocab.add(SPIECE_UNDERLINE + MULTILINGUAL_WORDS.get(i));
            scores.add(-5.0 - 0.01 * i);
        }
        for (String suffix : UNIGRAM_SUFFIXES) {
            vocab.add(suffix);
            scores.add(-6.0);
        }
        vocab.add(SPIECE_UNDERLINE);
        scores.add(-4.0);
        List<String> characters = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            characters.add(String.valueOf(c));
            characters.add(String.valueOf(Character.toUpperCase(c)));
        }
        characters.addAll(List.of("é", "è", "à", "ü", "ö", "ß", "中", "国", "京", "北", "首", "都", "人"));
        characters.addAll(List.of(".", ",", "!", "?", "'", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        for (String c : characters) {
            vocab.add(c);
            scores.add(-7.0 - 0.001 * scores.size());
        }
        vocab.add("<mask>");
        scores.add(0.0);
        requireUnique(vocab);
        int unkId = vocab.indexOf("<unk>");

        JsonObject t = header();
        List<String> added = new ArrayList<>(specials);
        added.add("<mask>");
        t.add("added_tokens", addedTokens(vocab, added, "<mask>"));
        JsonObject normalizer = type("Sequence");
        JsonArray norms = new JsonArray();
        norms.add(type("NFKC"));
        JsonObject spaces = type("Replace");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", " {2,}");
        spaces.add("pattern", pattern);
        spaces.addProperty("content", " ");
        norms.add(spaces);
        normalizer.add("normalizers", norms);
        t.add("normalizer", normalizer);
        t.add("pre_tokenizer", metaspace());
        JsonObject post = type("TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(piece("SpecialToken", cls, 0));
        single.add(piece("Sequence", "A", 0));
        single.add(piece("SpecialToken", sep, 0));
        post.add("single", single);
        JsonArray pairTemplate = new JsonArray();
        pairTemplate.add(piece("SpecialToken", cls, 0));
        pairTemplate.add(piece("Sequence", "A", 0));
        pairTemplate.add(piece("SpecialToken", sep, 0));
        pairTemplate.add(piece("SpecialToken", sep, 0));
        pairTemplate.add(piece("Sequence", "B", 0));
        pairTemplate.add(piece("SpecialToken", sep, 0));
        post.add("pair", pairTemplate);
        post.add("special_tokens", specialTokens(vocab, cls, sep));
        t.add("post_processor", post);
        t.add("decoder", metaspace());
        t.add("model", unigramModel(vocab, scores, unkId));

        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", family == Family.CAMEMBERT ? "CamembertTokenizer"
                : "XLMRobertaTokenizer");
        config.addProperty("model_max_length", modelMaxLength);
        config.addProperty("bos_token", cls);
        config.addProperty("eos_token", sep);
        config.addProperty("cls_token", cls);
        config.addProperty("sep_token", sep);
        config.addProperty("unk_token", "<unk>");
        config.addProperty("pad_token", "<pad>");
        config.addProperty("mask_token", "<mask>");
        return new Spec(family, List.copyOf(vocab), "<pad>", vocab.indexOf("<pad>"), "<unk>", unkId, cls,
                vocab.indexOf(cls), sep, vocab.indexOf(sep), "<mask>", vocab.indexOf("<mask>"), t, config);
    }

    private static JsonObject unigramModel(List<String> vocab, List<Double> scores, int unkId) {
        JsonObject model = type("Unigram");
        model.addProperty("unk_id", unkId);
        JsonArray v = new JsonArray();
        for (int i = 0; i < vocab.size(); i++) {
            JsonArray entry = new JsonArray();
            entry.add(vocab.get(i));
            entry.add(scores.get(i));
            v.add(entry);
        }
        model.add("vocab", v);
        model.addProperty("byte_fallback", false);
        return model;
    }

    private static JsonObject metaspace() {
        JsonObject m = type("Metaspace");
        m.addProperty("replacement", SPIECE_UNDERLINE);
        m.addProperty("prepend_scheme", "always");
        m.addProperty("split", true);
        return m;
    }

    private static JsonObject replace(String from, String to) {
        JsonObject r = type("Replace");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("String", from);
        r.add("pattern", pattern);
        r.addProperty("content", to);
        return r;
    }

    // ------------------------------------------------------------------------------------------ shared pieces

    private static JsonObject header() {
        JsonObject t = new JsonObject();
        t.addProperty("version", "1.0");
        t.add("truncation", JsonNull.INSTANCE);
        t.add("padding", JsonNull.INSTANCE);
        return t;
    }

    private static JsonObject type(String type) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        return o;
    }

    private static JsonArray pair(String token, int id) {
        JsonArray a = new JsonArray();
        a.add(token);
        a.add(id);
        return a;
    }

    private static JsonArray addedTokens(List<String> vocab, List<String> specials, String lstrip) {
        JsonArray added = new JsonArray();
        for (String s : specials) {
            JsonObject a = new JsonObject();
            a.addProperty("id", vocab.indexOf(s));
            a.addProperty("content", s);
            a.addProperty("single_word", false);
            a.addProperty("lstrip", s.equals(lstrip));
            a.addProperty("rstrip", false);
            a.addProperty("normalized", false);
            a.addProperty("special", true);
            added.add(a);
        }
        return added;
    }

    private static JsonObject vocabObject(List<String> vocab) {
        JsonObject v = new JsonObject();
        for (int i = 0; i < vocab.size(); i++) {
            v.addProperty(vocab.get(i), i);
        }
        return v;
    }

    private static JsonObject template(List<String> vocab, String cls, String sep) {
        JsonObject post = type("TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(piece("SpecialToken", cls, 0));
        single.add(piece("Sequence", "A", 0));
        single.add(piece("SpecialToken", sep, 0));
        post.add("single", single);
        JsonArray pairTemplate = new JsonArray();
        pairTemplate.add(piece("SpecialToken", cls, 0));
        pairTemplate.add(piece("Sequence", "A", 0));
        pairTemplate.add(piece("SpecialToken", sep, 0));
        pairTemplate.add(piece("Sequence", "B", 1));
        pairTemplate.add(piece("SpecialToken", sep, 1));
        post.add("pair", pairTemplate);
        post.add("special_tokens", specialTokens(vocab, cls, sep));
        return post;
    }

    private static JsonObject specialTokens(List<String> vocab, String cls, String sep) {
        JsonObject specials = new JsonObject();
        for (String s : List.of(cls, sep)) {
            JsonObject o = new JsonObject();
            o.addProperty("id", s);
            JsonArray ids = new JsonArray();
            ids.add(vocab.indexOf(s));
            o.add("ids", ids);
            JsonArray tokens = new JsonArray();
            tokens.add(s);
            o.add("tokens", tokens);
            specials.add(s, o);
        }
        return specials;
    }

    private static JsonObject piece(String kind, String id, int typeId) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", id);
        inner.addProperty("type_id", typeId);
        JsonObject outer = new JsonObject();
        outer.add(kind, inner);
        return outer;
    }

    private static void requireUnique(List<String> vocab) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String v : vocab) {
            if (seen.put(v, 1) != null) {
                throw new IllegalStateException("Duplicate vocabulary entry " + v + " in " + Arrays.toString(
                        vocab.toArray()));
            }
        }
    }
}
