package com.contoso.partnercenter.bff.fleet;

import java.util.Map;

/** A Redis as operators run it, started by a test: one server, Sentinel, or Cluster. */
public interface RedisTopology extends AutoCloseable {

    /** Spring Boot's standard properties that connect the service to it. */
    Map<String, String> springProperties();

    /** The value at {@code key}, wherever it lives; null when there is none. */
    String get(String key);

    @Override
    void close();
}
