package com.contoso.partnercenter.bff.correlation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

/**
 * A request's context (its correlation id and portal) goes with the tasks it hands to Boot's task executor (a
 * batch's customers), which this decorates; into Partner Center's Reactor pipeline it goes as the module's {@code
 * RequestContext} says.
 */
@Configuration(proxyBeanMethods = false)
class ContextPropagationConfiguration {

    @Bean
    TaskDecorator contextPropagatingTaskDecorator() {
        return new ContextPropagatingTaskDecorator();
    }
}
