"""Complaint web pages: citizen (``citizen``), staff (``staff``, ``callcentre``, ``dashboard``, ``importing``)."""
