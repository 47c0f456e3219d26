package io.sparkcl.job.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The option table's typed defaults and value rules. */
class ConfigKeyTest {

    @Test
    void everyTypedDefaultHasItsOptionsTypeAndPassesItsRule() {
        for (ConfigKey k : ConfigKey.values()) {
            Object d = k.defaultValue();
            if (d != null) {
                assertEquals(d, k.type().parse(k, d, "default"), k.optionName() + ": default of the wrong type");
                assertEquals(d.getClass(), k.type().parse(k, String.valueOf(d), "default").getClass(),
                        k.optionName() + ": default of the wrong type");
                k.check(d);
            }
        }
    }

    @Test
    void checkEachNamesTheFirstBadOptionAndDefaultsFillTheRest() {
        ConfigValues v = new ConfigValues().set(ConfigKey.LR, "1e-4", "cli").set(ConfigKey.EVAL_BATCH, "0", "cli");
        ConfigException e = assertThrows(ConfigException.class, v::checkEach);
        assertEquals("--eval-batch", e.option());
        assertEquals(1e-4, (double) v.get(ConfigKey.LR));
        assertEquals(0.01, (double) v.get(ConfigKey.WEIGHT_DECAY), "typed default of an unset option");
        assertEquals(7L, (long) v.get(ConfigKey.STEPS, 7L), "caller's default when the option has none");
    }
}
