package com.contoso.partnercenter.bff.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies larger than any this API takes (a batch of 100 ids is about 4 KB), before they are
 * read: otherwise a body of a million bad ids costs a million validation errors. A declared length over the
 * limit is a 413 at once; a chunked body is cut off where it passes the limit, which the problem handler turns
 * into the same 413.
 */
public class RequestBodyLimitFilter extends OncePerRequestFilter {

    public static final int MAX_BYTES = 64 * 1024;

    private final JsonMapper json;

    public RequestBodyLimitFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            Problems.write(
                    response,
                    json,
                    Problems.create(
                            HttpStatus.CONTENT_TOO_LARGE,
                            "request-too-large",
                            "Request too large",
                            detail(),
                            false,
                            request));
            return;
        }
        chain.doFilter(request.getContentLengthLong() < 0 ? new Limited(request) : request, response);
    }

    static String detail() {
        return "The request body is larger than " + (MAX_BYTES / 1024) + " KB, more than any operation takes.";
    }

    /** Thrown when a body without a declared length passes the limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super(detail());
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private ServletInputStream limited;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                ServletInputStream in = super.getInputStream();
                limited = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = in.read(buffer, offset, length);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws TooLarge {
                        read += n;
                        if (read > MAX_BYTES) {
                            throw new TooLarge();
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return limited;
        }
    }
}
