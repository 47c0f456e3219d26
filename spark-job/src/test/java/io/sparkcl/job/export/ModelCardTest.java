package io.sparkcl.job.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCardTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void theCardNamesModelMethodDataMetricsDateCommandAndHowToLoadIt() throws Exception {
        JsonNode settings = json("{'dataset':'sst2','model':'all-minilm-l6-v2','method':'dualcl','lambda':0.1,'tau':0.1,"
                + "'pooling':'cls','max-length':64,'global-batch':32,'lr':2e-5,'seed':42,"
                + "'dev-file':'hdfs:///d/dev.jsonl'}");
        JsonNode summary = json("{'steps':232,'epochs':1,'data':{'labels':['negative','positive'],'train_rows':7447,"
                + "'dev_rows':872,'test_rows':1821},'final_eval':{'dev':{'rows':872,'accuracy':0.81,'macro_f1':0.8},"
                + "'test':{'rows':1821,'accuracy':0.8232,'macro_f1':0.8231}}}");
        JsonNode config = json("{'architectures':['BertModel'],'sparkcl':{'transformers':{'class':null,"
                + "'note':'DualCL: transformers has no class for this head.'}}}");
        String card = ModelCard.render(settings, summary, config, "hdfs:///runs/r1",
                ZonedDateTime.of(2026, 11, 26, 12, 0, 0, 0, ZoneOffset.UTC), Optional.empty());
        for (String expected : new String[]{"| base model | all-minilm-l6-v2 |", "| λ, τ | 0.1, 0.1 |",
                "dual contrastive", "train 7447, dev 872, test 1821", "dev-file hdfs:///d/dev.jsonl",
                "| dev | 872 | 0.8100 | 0.8000 |", "| test | 1821 | 0.8232 | 0.8231 |", "2026-11-26T12:00:00Z",
                "trained through the Java API", "chosen on dev macro-F1", "has **no class**", "`BertModel`", "DualCL: transformers has no class"}) {
            assertTrue(card.contains(expected), "missing '" + expected + "' in:\n" + card);
        }
        String fromCli = ModelCard.render(settings, summary, config, "r", ZonedDateTime.now(ZoneOffset.UTC),
                Optional.of("sparkcl train --dataset sst2 --method dualcl"));
        assertTrue(fromCli.contains("```bash\nsparkcl train --dataset sst2 --method dualcl\n```"), fromCli);
    }
}
