"""MentorPrep: prepare for a coffee meeting with a senior doctor.

One package per capability (``read_room``, ``questions``, ``rehearsal``, ``prep``, ``guidance``) over a shared
``core``; ``cli`` is ``python -m agent``. Each package's ``__init__`` is its public API.
"""
