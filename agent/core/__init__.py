"""What every capability shares: settings, errors, the store, chat models, prompts, streaming, privacy,
logging and the vocabulary; and, for the app, accounts, export and the rate limit."""

from agent.core import vocabulary
from agent.core.accounts import LOCAL_USER, User, auth_configured, auth_providers, current_user, user_from_claims
from agent.core.errors import BackendError, ConfigError, InputError, MentorPrepError
from agent.core.export import Export, export_everything, export_json, export_markdown
from agent.core.learning import (
    CORPUS_DIR,
    FOLDS,
    SEED,
    SIGMOID,
    SOFTMAX,
    EmbeddingCache,
    HeadStore,
    LinearHead,
    boost_rule_hits,
    corpus_digest,
    corpus_rows,
    fit_head,
    fold_ids,
    head_store,
    heads_dir,
    log_odds,
    out_of_fold,
)
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
from agent.core.ratelimit import RateDecision, RateLimiter, parse_rate_limit
from agent.core.settings import PROJECT_ROOT, Settings, load_settings
from agent.core.store import (
    ARTIFACT_KINDS,
    LOCAL_USER_ID,
    MENTOR_FIELDS,
    PROFILE_FIELDS,
    SETTINGS_KINDS,
    NotFound,
    Store,
    UserStore,
)
from agent.core.streaming import classify, complete_text, stream_text
from agent.core.text import compile_rule, plain_text, split_sentences
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
    "ARTIFACT_KINDS", "Export", "LOCAL_USER", "LOCAL_USER_ID", "NotFound", "RateDecision", "RateLimiter", "User",
    "UserStore", "auth_configured", "auth_providers", "current_user", "export_everything", "export_json",
    "export_markdown", "parse_rate_limit", "user_from_claims",
    "AVAILABILITY_LEVELS", "BROAD_FIELDS", "BackendError", "COACH", "CONNECTOR", "CORPUS_DIR", "ConfigError",
    "EmbeddingCache", "FIELD_ABBREVIATIONS", "FIELD_TERMS", "FILLERS", "FOLDS", "FakeChatModel", "Finding", "HIGH",
    "HeadStore", "InputError", "LOW", "LinearHead", "LocalChatModel", "MENTOR", "MENTOR_FIELDS", "MentorPrepError",
    "boost_rule_hits",
    "NUMBER_WORDS", "PLACEHOLDERS", "PRACTITIONERS", "PROFILE_FIELDS", "PROJECT_ROOT", "Prompt", "ROLES",
    "RedactSecrets", "RedactingChatModel", "SEED", "SETTINGS_KINDS", "SIGMOID", "SOFTMAX", "SPECIALTIES", "SPONSOR",
    "STAGES", "STAGE_PHRASES", "STOPWORDS", "Settings", "Store", "UNCLEAR", "all_prompt_names", "bundled_gguf_path",
    "classify", "compile_rule", "complete_text", "configure_logging", "corpus_digest", "corpus_rows", "field_name",
    "find_identifiers", "fit_head", "fold_ids", "head_store", "heads_dir", "is_capable", "load_prompt",
    "load_settings", "log_odds", "make_chat_model", "model_label", "out_of_fold", "parse_prompt", "plain_text",
    "privacy_warning", "redact", "shared_llama", "split_sentences", "stage_phrase", "stream_text", "text_for_log",
    "vocabulary",
]
