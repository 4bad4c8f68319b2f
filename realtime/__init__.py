"""The realtime WebSocket gateway: tenant event streams and presence, pushed to browsers."""
