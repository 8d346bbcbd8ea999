"""Sending the events out (docs/events.md): the shop's webhook endpoints, signed deliveries over HTTP with
retries and their log. The events themselves are recorded by `outbound_events`."""
