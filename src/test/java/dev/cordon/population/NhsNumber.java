package dev.cordon.population;

/**
 * NHS-style numbers from the 999 range, which the NHS never issues: test data can never be a real patient's number.
 * Ten digits; the last is the modulus 11 check digit over the first nine (weights 10 down to 2).
 */
public final class NhsNumber {
    private NhsNumber() {
    }

    /** The check digit for nine digits, or -1 when the result would be 10 (no valid number has that stem). */
    public static int checkDigit(String nineDigits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nineDigits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            return 0;
        }
        return check == 10 ? -1 : check;
    }

    public static boolean isValid(String number) {
        if (number == null || !number.matches("\\d{10}")) {
            return false;
        }
        int check = checkDigit(number.substring(0, 9));
        return check >= 0 && check == number.charAt(9) - '0';
    }

    public static boolean isSynthetic(String number) {
        return isValid(number) && number.startsWith("999");
    }

    /** The first valid 999-range number at or after the given six-digit serial (wrapping within the range). */
    public static String synthetic(int serial) {
        for (int attempt = 0; attempt < 1_000_000; attempt++) {
            String stem = "999" + String.format("%06d", (serial + attempt) % 1_000_000);
            int check = checkDigit(stem);
            if (check >= 0) {
                return stem + check;
            }
        }
        throw new IllegalStateException("no valid number in the 999 range");
    }
}
