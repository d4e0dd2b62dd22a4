package com.contoso.partnercenter.bff.partnercenter.upstream;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.netty.http.client.HttpClient;

/** How the module's WebClients connect: Partner Center's and Entra ID's. */
public final class Connectors {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private Connectors() {}

    /**
     * A connector with the connection timeout, and, when one is given, a response timeout (token requests); Partner
     * Center's calls have their attempt's time limit and the request's deadline instead.
     */
    public static ReactorClientHttpConnector connector(Duration responseTimeout) {
        HttpClient http =
                HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        return new ReactorClientHttpConnector(responseTimeout != null ? http.responseTimeout(responseTimeout) : http);
    }
}
