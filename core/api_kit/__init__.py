"""What every app's API router is built from: authentication by role, rendering, problem responses.

Below the apps (it knows only tenancy's roles), so any app's `api` module can use it;
`api.main`, which mounts every router, is at the top.
"""
