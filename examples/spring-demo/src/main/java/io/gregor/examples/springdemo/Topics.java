package io.gregor.examples.springdemo;

/** The topic and group names, as in the seed. */
public final class Topics {
    /** Plain String messages about profiles. */
    public static final String PROFILES = "TOPIC";
    /** {@link Post}s as JSON. */
    public static final String POSTS = "JSON_TOPIC";

    public static final String PROFILE_GROUP = "profile-group";
    public static final String POST_GROUP = "post-group";

    private Topics() {
    }
}
