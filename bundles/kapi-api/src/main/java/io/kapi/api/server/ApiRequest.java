package io.kapi.api.server;

import io.kapi.api.rest.UserInfo;
import javax.servlet.http.HttpServletRequest;

/**
 * A request travelling the filter chain and the directors. The filters fill in what they learn
 * (request info, user) through the with-methods, which return new immutable views.
 */
public final class ApiRequest {
    private final HttpServletRequest http;
    private final RequestInfo info;
    private final UserInfo user;

    public ApiRequest(HttpServletRequest http, RequestInfo info, UserInfo user) {
        this.http = http;
        this.info = info;
        this.user = user;
    }

    public HttpServletRequest http() {
        return http;
    }

    /** Null until the request-info filter ran. */
    public RequestInfo info() {
        return info;
    }

    /** Null until authentication ran. */
    public UserInfo user() {
        return user;
    }

    public ApiRequest withInfo(RequestInfo info) {
        return new ApiRequest(http, info, user);
    }

    public ApiRequest withUser(UserInfo user) {
        return new ApiRequest(http, info, user);
    }
}
