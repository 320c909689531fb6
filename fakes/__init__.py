"""Faithful local stand-ins for the services at our network edge (EDGAR and Slack).

They serve the real paths and formats, enforce what the real services enforce (a declared
User-Agent, the request rate) and fail the way they fail, so that tests and the demo exercise the
real clients and the real daemon.
"""
