"""Telling people: e-mail digests, webhook and Slack alerts.

``settings`` declares the ``email``, ``digests`` and ``alerts`` sections of
sources.yaml; ``schedule`` says when a digest is due (pure); ``message`` and
``digest`` build and send digest e-mails; ``rules`` matches events to alert
rules (pure); ``webhook`` posts them; ``runner`` is the periodic job of
``clippings run`` that does all of it.
"""
