"""Connection tokens for the realtime gateway, signed by core with a key both share."""
