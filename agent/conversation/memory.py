"""The conversation's persistence: chat turns, the structured state, kept questions and saved mentors.

One place ties the agent to the store, so the app, the CLI and the tests save a conversation the same way
and a refresh or a restart finds it all again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.language_models import BaseChatModel

from agent.conversation.state import ConversationState, MentorRef
from agent.core import Store
from retrieval import Citer, Retriever

if TYPE_CHECKING:
    from agent.conversation.agent import Conversation, Reply

STATE_KIND = "conversation_state"
MESSAGE_KIND = "chat"
HISTORY_TURNS = 12


class StoreMemory:
    """A user's chat session in the store."""

    def __init__(self, store: Store, user_id: str, session_id: str) -> None:
        self.store = store
        self.user_id = user_id
        self.session_id = session_id

    # ---- state and messages ---------------------------------------------------------------------------------

    def load_state(self) -> ConversationState:
        saved = self.store.get_artifacts(self.session_id, STATE_KIND, user_id=self.user_id)
        return ConversationState.from_json(saved[-1]["data"] if saved else None)

    def save_state(self, state: ConversationState) -> None:
        self.store.save_artifact(self.session_id, STATE_KIND, state.to_json(), user_id=self.user_id)

    def messages(self) -> list[dict[str, Any]]:
        return self.store.list_messages(self.session_id, kind=MESSAGE_KIND, user_id=self.user_id)

    def history(self) -> list[dict[str, str]]:
        """Recent turns as {"role", "content"}, oldest first, for answers that follow up on earlier ones."""
        turns = [{"role": m["role"], "content": m["content"]} for m in self.messages()
                 if not m["partial"] and m["content"]]
        return turns[-HISTORY_TURNS:]

    def save_turn(self, message: str, reply: Reply, state: ConversationState) -> None:
        """Save the user's message, the reply with its results, and the state, each as it is made."""
        self.store.add_message(self.session_id, "user", message, kind=MESSAGE_KIND, user_id=self.user_id)
        self.store.add_message(self.session_id, "assistant", reply.text, kind=MESSAGE_KIND, meta=reply.meta(),
                               user_id=self.user_id)
        self.save_state(state)

    # ---- what outlives the conversation ---------------------------------------------------------------------

    def save_mentor(self, mentor: MentorRef, reading: dict | None) -> int | None:
        name = mentor.name or mentor.label()
        existing = self.store.find_mentor(self.user_id, name)
        setting = mentor.setting if mentor.setting in ("clinical", "research", "academic") else "other"
        if existing:
            self.store.update_mentor(existing["id"], user_id=self.user_id,
                                     specialty=mentor.specialty or existing["specialty"],
                                     role_estimate=reading or existing["role_estimate"])
            return int(existing["id"])
        return self.store.add_mentor(self.user_id, name, specialty=mentor.specialty, setting=setting,
                                     role_estimate=reading)

    def keep_question(self, text: str, verdict: str, score: float) -> None:
        if text not in self.kept_questions():
            self.store.keep_question(self.user_id, text, verdict=verdict, score=score)

    def kept_questions(self) -> list[str]:
        return [q["text"] for q in self.store.list_kept_questions(self.user_id)]


def open_conversation(memory: StoreMemory, model: BaseChatModel, *, retriever: Retriever | None, citer: Citer | None,
                      embed: Callable[[Sequence[str]], np.ndarray] | None) -> Conversation:
    """A :class:`Conversation` for this chat session: its saved state, history and profile, saving each turn."""
    from agent.conversation.agent import Conversation

    return Conversation(memory.load_state(), model, retriever=retriever, citer=citer,
                        profile=memory.store.get_profile(memory.user_id), history=memory.history(), memory=memory,
                        embed=embed, save=memory.save_turn)
