package io.kapi.api.server;

/**
 * The audiences a bearer token is checked for, as kube's {@code authenticator.WithAudiences} and
 * {@code Response.Audiences} carry them: two request attributes between the caller of an {@link Authenticator}
 * and an authenticator whose tokens name audiences (service account tokens). A request without
 * {@link #REQUESTED} is checked for the API audiences; TokenReview asks for the audiences of its
 * {@code spec.audiences}. An audience-aware authenticator that accepts a token sets {@link #ACCEPTED}; one
 * that knows no audiences (a static token file) sets nothing, and its tokens are for the API audiences only.
 */
public final class TokenAudiences {
    /** A {@code List<String>}: the audiences the caller needs the token to be valid for. */
    public static final String REQUESTED = "io.kapi.authentication.requestedAudiences";
    /** A {@code List<String>}: the requested audiences the accepted token is valid for (kube's {@code Response.Audiences}). */
    public static final String ACCEPTED = "io.kapi.authentication.acceptedAudiences";

    private TokenAudiences() {
    }
}
