package dev.dialtone.engine.api;

/**
 * One item of a {@code 422} body ({@code Types.StatusCodes.SpaceApiErrorItem} of seeds/001): what was wrong
 * ({@code detail}, naming the field first), a stable machine {@code code} and its human {@code title}.
 */
record ValidationError(String detail, String title, String code) {
    static final String STATUS = "422";

    static ValidationError missing(String field) {
        return new ValidationError(field + " is required", "Missing Required Field", "missing_required_field");
    }

    static ValidationError type(String field, String expected) {
        return new ValidationError(field + " must be " + expected, "Invalid Type", "invalid_type");
    }

    static ValidationError value(String field, String why) {
        return new ValidationError(field + " " + why, "Invalid Value", "invalid_value");
    }

    static ValidationError tooShort(String field, int min) {
        return new ValidationError(field + " must be at least " + min + " characters", "Too Short", "too_short");
    }

    static ValidationError tooLong(String field, int max) {
        return new ValidationError(field + " must be at most " + max + " characters", "Too Long", "too_long");
    }

    static ValidationError taken(String username) {
        return new ValidationError("username '" + username + "' is already taken", "Already Taken", "already_taken");
    }

    static ValidationError unknown(String field) {
        return new ValidationError(field + " is not a field of a SIP endpoint", "Unknown Field", "unknown_field");
    }

    static ValidationError json(String why) {
        return new ValidationError("request body is not valid JSON: " + why, "Invalid JSON", "invalid_json");
    }

    static ValidationError parameter(String name, String why) {
        return new ValidationError(name + " " + why, "Invalid Parameter", "invalid_parameter");
    }
}
