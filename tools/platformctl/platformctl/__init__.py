"""platformctl: one command-line tool to see the platform's state and repair it.

It reaches the platform over the network only (the broker, RabbitMQ's management API, the
gateway's HTTP API, the services' readiness and metrics endpoints), never by importing a service.
"""
