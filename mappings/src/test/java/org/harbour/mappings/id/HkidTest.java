package org.harbour.mappings.id;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HkidTest {

    @Test
    void theContractsExamplesAreValidAndNormalisedWithoutBrackets() {
        assertThat(Hkid.normalise("A123456(3)")).contains("A1234563");
        assertThat(Hkid.normalise("AB123456(9)")).contains("AB1234569");
        assertThat(Hkid.normalise("G123456(A)")).contains("G123456A");
        assertThat(Hkid.normalise(" g 123456 a ")).contains("G123456A");
    }

    @Test
    void aWrongCheckDigitOrShapeIsInvalid() {
        assertThat(Hkid.isValid("A123456(4)")).isFalse();
        assertThat(Hkid.looksLikeHkid("A123456(4)")).isTrue();
        assertThat(Hkid.isValid("ABC123456(9)")).isFalse();
        assertThat(Hkid.isValid("A12345(6)")).isFalse();
        assertThat(Hkid.isValid(null)).isFalse();
    }
}
