"""HTTP routes of the gateway, one mixin per area; service.py combines them."""
