package com.contoso.partnercenter.bff.correlation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

/**
 * A request's context (its correlation id and portal, and its trace) goes with whatever it hands to another thread:
 * into Partner Center's calls through Reactor ({@code spring.reactor.context-propagation=auto}), and into the tasks of
 * Boot's task executor, which this decorates.
 */
@Configuration(proxyBeanMethods = false)
class ContextPropagationConfiguration {

    @Bean
    TaskDecorator contextPropagatingTaskDecorator() {
        return new ContextPropagatingTaskDecorator();
    }
}
