"""What every capability shares: settings, errors, the store, chat models, prompts, streaming, privacy,
logging and the vocabulary."""

from agent.core import vocabulary
from agent.core.errors import BackendError, ConfigError, InputError, MentorPrepError
from agent.core.logs import RedactSecrets, configure_logging, text_for_log
from agent.core.models import (
    FakeChatModel,
    LocalChatModel,
    bundled_gguf_path,
    is_capable,
    make_chat_model,
    model_label,
    shared_llama,
)
from agent.core.privacy import (
    PLACEHOLDERS,
    Finding,
    RedactingChatModel,
    find_identifiers,
    privacy_warning,
    redact,
)
from agent.core.prompts import Prompt, all_prompt_names, load_prompt, parse_prompt
from agent.core.settings import PROJECT_ROOT, Settings, load_settings
from agent.core.store import MENTOR_FIELDS, PROFILE_FIELDS, SETTINGS_KINDS, Store
from agent.core.streaming import classify, complete_text, stream_text
from agent.core.vocabulary import (
    AVAILABILITY_LEVELS,
    BROAD_FIELDS,
    COACH,
    CONNECTOR,
    FIELD_ABBREVIATIONS,
    FIELD_TERMS,
    FILLERS,
    HIGH,
    LOW,
    MENTOR,
    NUMBER_WORDS,
    PRACTITIONERS,
    ROLES,
    SPECIALTIES,
    SPONSOR,
    STAGE_PHRASES,
    STAGES,
    STOPWORDS,
    UNCLEAR,
    field_name,
    stage_phrase,
)

__all__ = [
    "AVAILABILITY_LEVELS", "BROAD_FIELDS", "COACH", "CONNECTOR", "FIELD_ABBREVIATIONS", "FIELD_TERMS", "FILLERS",
    "HIGH", "LOW", "MENTOR", "NUMBER_WORDS", "PRACTITIONERS", "ROLES", "SPECIALTIES", "SPONSOR", "STAGE_PHRASES",
    "STAGES", "STOPWORDS", "UNCLEAR", "field_name", "stage_phrase", "vocabulary",
    "PLACEHOLDERS", "PROFILE_FIELDS", "PROJECT_ROOT", "MENTOR_FIELDS", "SETTINGS_KINDS",
    "BackendError", "ConfigError", "FakeChatModel", "Finding", "InputError", "LocalChatModel", "MentorPrepError",
    "Prompt", "RedactSecrets", "RedactingChatModel", "Settings", "Store",
    "all_prompt_names", "bundled_gguf_path", "classify", "complete_text", "configure_logging", "find_identifiers",
    "is_capable", "load_prompt", "load_settings", "make_chat_model", "model_label", "parse_prompt",
    "privacy_warning", "redact", "shared_llama", "stream_text", "text_for_log",
]
