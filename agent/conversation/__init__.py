"""The conversational agent: one chat that understands what the user wants and does it in the conversation.

``Conversation`` handles a turn; ``router`` picks the capability for a message; ``signals`` notices greetings,
questions about the app, distress and any hint of self-harm first; ``tools`` wraps each capability;
``lc_agent`` lets a capable model call the same tools; ``memory`` saves it all with the chat session.
"""

from agent.conversation.agent import Conversation, Reply
from agent.conversation.memory import StoreMemory, open_conversation
from agent.conversation.replies import starter_buttons, welcome
from agent.conversation.router import FEATURES as ROUTER_FEATURES
from agent.conversation.router import INTENTS, Route, route
from agent.conversation.router import evaluate as evaluate_router
from agent.conversation.router import load_head as load_router_head
from agent.conversation.router import train_heads as train_router
from agent.conversation.signals import SIGNALS, Signal, detect
from agent.conversation.signals import train_heads as train_signals
from agent.conversation.state import ConversationState, MentorRef
from agent.conversation.tools import ToolResult

__all__ = [
    "ROUTER_FEATURES",
    "Conversation", "ConversationState", "INTENTS", "MentorRef", "Reply", "Route", "SIGNALS", "Signal",
    "StoreMemory", "ToolResult", "detect", "evaluate_router", "load_router_head", "open_conversation", "route",
    "starter_buttons", "train_router", "train_signals", "welcome",
]
