package dev.cordon.population;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NhsNumberTest {
    @Test
    void checkDigitFollowsModulus11() {
        // 943 476 5919 is the NHS's published example of a valid number.
        assertThat(NhsNumber.isValid("9434765919")).isTrue();
        assertThat(NhsNumber.isValid("9434765918")).as("wrong check digit").isFalse();
        assertThat(NhsNumber.isValid("943476591")).as("nine digits").isFalse();
    }

    @Test
    void syntheticNumbersAreValidAndInThe999Range() {
        for (int serial = 0; serial < 2_000; serial += 7) {
            String number = NhsNumber.synthetic(serial);
            assertThat(NhsNumber.isSynthetic(number)).as("serial %d gave %s", serial, number).isTrue();
        }
        assertThat(NhsNumber.isSynthetic("9434765919")).as("a real-range number is not synthetic").isFalse();
    }

    @Test
    void stemsWhoseCheckWouldBeTenAreSkipped() {
        // 6 x weight 2 = 12, which is 1 (mod 11): 11 - 1 = 10, so no valid number has this stem.
        assertThat(NhsNumber.checkDigit("000000006")).isEqualTo(-1);
        assertThat(NhsNumber.synthetic(0)).isNotNull();
    }
}
