package com.contoso.partnercenter.bff.local;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The simulator's memory of qualifications: one POSTed and created (201) is in the customer's list afterwards,
 * as Partner Center keeps it, so a portal developer sees the GET change after the update.
 */
final class KeptQualifications implements ResponseTransformerV2 {

    static final String NAME = "kept-qualifications";

    private final Map<String, List<JsonNode>> created = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.shared();

    /** Forgets every qualification it kept. */
    void forget() {
        created.clear();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        String customer = customer(serveEvent.getRequest().getUrl());
        if (serveEvent.getRequest().getMethod().getName().equals("POST")) {
            if (response.getStatus() == 201) {
                created.computeIfAbsent(customer, c -> new CopyOnWriteArrayList<>())
                        .add(json.readTree(response.getBodyAsString()));
            }
            return response;
        }
        List<JsonNode> kept = created.get(customer);
        if (kept == null || response.getStatus() != 200) {
            return response;
        }
        String body = response.getBodyAsString();
        // The byte order mark customer keeps its mark.
        String mark = body.startsWith("\uFEFF") ? "\uFEFF" : "";
        ArrayNode list = (ArrayNode) json.readTree(body.substring(mark.length()));
        kept.forEach(list::add);
        return Response.Builder.like(response)
                .but()
                .body(mark + json.writeValueAsString(list))
                .build();
    }

    // /v1/customers/{id}/qualifications[?code=…]
    private static String customer(String url) {
        return url.split("/")[3].toLowerCase(Locale.ROOT);
    }
}
