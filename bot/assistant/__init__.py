"""Plug-ins that run inside the Rasa server: NLU components, a policy, a tracker store.

Rasa loads them by module path from config.yml and endpoints.yml.
"""
