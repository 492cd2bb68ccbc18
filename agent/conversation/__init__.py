"""The conversational agent: one chat that understands what the user wants and does it.

``router`` picks the capability for a message, ``signals`` notices greetings, questions about the app,
distress and any hint of self-harm before anything else.
"""

from agent.conversation.router import INTENTS, Route, route
from agent.conversation.router import evaluate as evaluate_router
from agent.conversation.router import load_head as load_router_head
from agent.conversation.router import train_heads as train_router
from agent.conversation.signals import SIGNALS, Signal, detect
from agent.conversation.signals import train_heads as train_signals

__all__ = [
    "INTENTS", "Route", "SIGNALS", "Signal", "detect", "evaluate_router", "load_router_head", "route",
    "train_router", "train_signals",
]
