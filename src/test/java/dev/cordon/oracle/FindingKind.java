package dev.cordon.oracle;

/** The oracle's vocabulary (DESIGN.md): what went wrong, and the Allure category an auditor files it under. */
public enum FindingKind {
    FOREIGN_IN_LISTING(Category.ISOLATION_BREACH, "a listing holds an item the ledger gives to another synthetic patient"),
    UNKNOWN_IN_LISTING(Category.ISOLATION_BREACH, "a listing holds an item the ledger does not know (could be a real patient's)"),
    MISSING_FROM_LISTING(Category.DATA_LOSS, "an own item is absent from the caller's listing"),
    DIRECT_ACCESS(Category.ISOLATION_BREACH, "a patient opened another patient's item (metadata, media or download) by id"),
    PARAMETER_TAMPERING(Category.ISOLATION_BREACH, "a query parameter widened a listing or opened a record beyond the caller"),
    IDENTITY_MISMATCH(Category.ISOLATION_BREACH, "a session resolves to a different patient than the one who logged in"),
    CROSSTALK(Category.ISOLATION_BREACH, "under concurrent calls, a response carried another caller's data"),
    UI_MISMATCH(Category.ISOLATION_BREACH, "the web page shows other items than the API and the ledger"),
    KEPT_AFTER_DELETE(Category.DATA_RETENTION, "a patient deleted their own item, the target confirmed it, and it can still be read back"),
    CACHEABLE_PRIVATE_RESPONSE(Category.CACHE_POLICY, "a shared cache may store a private response (RFC 9111: it says public or s-maxage, or it answers a request not authenticated by an Authorization header without no-store or private)"),
    UNVERIFIED(Category.INFRASTRUCTURE, "a check could not be completed; never counted as a pass");

    public enum Category {
        ISOLATION_BREACH("Isolation breach"), DATA_LOSS("Data loss"), DATA_RETENTION("Data retention"), CACHE_POLICY("Cache policy"),
        INFRASTRUCTURE("Infrastructure");

        private final String title;

        Category(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private final Category category;
    private final String meaning;

    FindingKind(Category category, String meaning) {
        this.category = category;
        this.meaning = meaning;
    }

    public Category category() {
        return category;
    }

    public String meaning() {
        return meaning;
    }

    /** Breach, data-loss and cache findings fail the gate (exit 1); UNVERIFIED makes it unverifiable (exit 3). */
    public boolean failsTheRelease() {
        return this != UNVERIFIED;
    }
}
