package com.contoso.partnercenter.bff.web;

import java.util.List;

/** Collections are objects with an {@code items} array, so fields can be added later without breaking portals. */
public record Items<T>(List<T> items) {}
