//! A model's chat template (Jinja) and the special tokens it is rendered with, rendering a
//! conversation as Hugging Face `transformers`' `apply_chat_template(messages, tokenize=False)`
//! does: blocks trimmed and left-stripped, Python's string methods, `tojson` as Python's
//! `json.dumps`, `raise_exception` and `strftime_now`, no tools or documents, and no generation
//! prompt. The template comes from a `tokenizer_config.json` or a bare `.jinja` source with its
//! BOS and EOS tokens; reading those files is the caller's business.

use super::python;
use minijinja::{Environment, Value};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The template's name in its environment.
const NAME: &str = "chat";

/// The special-token attributes `transformers` hands a template (its `special_tokens_map`).
const SPECIAL_TOKENS: [&str; 7] = [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
];

/// Why a chat template cannot be loaded, or failed on a conversation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatTemplateError {
    /// The tokenizer configuration is not JSON or holds no usable `chat_template`.
    #[error("{0}")]
    Config(String),
    /// The template does not parse.
    #[error("the chat template does not parse: {0}")]
    Syntax(String),
    /// Rendering a conversation failed (`raise_exception`, an undefined operation, ...).
    #[error("{0}")]
    Render(String),
}

/// A chat template ready to render conversations.
#[derive(Debug)]
pub struct ChatTemplate {
    env: Environment<'static>,
    /// The special tokens the template sees, by attribute name.
    specials: BTreeMap<String, Value>,
    /// SHA-256 of the template's source.
    sha256: String,
}

impl ChatTemplate {
    /// The template of a `tokenizer_config.json` (its `chat_template`, or the one named
    /// `default` of a list), with the special tokens it declares.
    pub fn from_tokenizer_config(config: &str) -> Result<Self, ChatTemplateError> {
        let bad = |m: &str| ChatTemplateError::Config(m.to_string());
        let config: Json = serde_json::from_str(config)
            .map_err(|e| ChatTemplateError::Config(format!("not JSON: {e}")))?;
        let source = match config.get("chat_template") {
            Some(Json::String(source)) => source.clone(),
            Some(Json::Array(named)) => named
                .iter()
                .find(|t| t.get("name").and_then(Json::as_str) == Some("default"))
                .and_then(|t| t.get("template").and_then(Json::as_str))
                .ok_or_else(|| bad("its chat_template list has no template named \"default\""))?
                .to_string(),
            Some(_) => return Err(bad("its chat_template is not a string")),
            None => return Err(bad("it has no chat_template")),
        };
        let mut specials = BTreeMap::new();
        for name in SPECIAL_TOKENS {
            if let Some(token) = config.get(name).and_then(token_text) {
                specials.insert(name.to_string(), Value::from(token));
            }
        }
        if let Some(Json::Array(extra)) = config.get("additional_special_tokens") {
            let tokens: Vec<Value> = extra
                .iter()
                .filter_map(token_text)
                .map(Value::from)
                .collect();
            specials.insert("additional_special_tokens".into(), Value::from(tokens));
        }
        Self::build(source, specials)
    }

    /// A bare Jinja template rendered with `bos_token` and `eos_token` (either may be absent).
    pub fn from_source(
        source: &str,
        bos_token: Option<&str>,
        eos_token: Option<&str>,
    ) -> Result<Self, ChatTemplateError> {
        let mut specials = BTreeMap::new();
        for (name, token) in [("bos_token", bos_token), ("eos_token", eos_token)] {
            if let Some(token) = token {
                specials.insert(name.to_string(), Value::from(token));
            }
        }
        Self::build(source.to_string(), specials)
    }

    fn build(source: String, specials: BTreeMap<String, Value>) -> Result<Self, ChatTemplateError> {
        let sha256 = crate::display::hex(&Sha256::digest(source.as_bytes()));
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(false);
        env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
        python::register(&mut env);
        env.add_template_owned(NAME, source)
            .map_err(|e| ChatTemplateError::Syntax(describe(&e)))?;
        Ok(Self {
            env,
            specials,
            sha256,
        })
    }

    /// SHA-256 of the template's source, as reports state it.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The special token `name` (`bos_token`, `eos_token`, ...) the template sees, if any.
    pub fn special_token(&self, name: &str) -> Option<String> {
        self.specials.get(name)?.as_str().map(str::to_string)
    }

    /// The conversation whose messages array is `messages_json`, rendered.
    pub fn render_json(&self, messages_json: &str) -> Result<String, ChatTemplateError> {
        let messages = python::parse_json(messages_json)
            .map_err(|e| ChatTemplateError::Render(format!("messages: {e}")))?;
        self.render(messages)
    }

    /// `messages` (a sequence of maps) rendered.
    pub fn render(&self, messages: Value) -> Result<String, ChatTemplateError> {
        let mut context = self.specials.clone();
        context.insert("messages".into(), messages);
        context.insert("tools".into(), Value::from(()));
        context.insert("documents".into(), Value::from(()));
        context.insert("add_generation_prompt".into(), Value::from(false));
        let template = self
            .env
            .get_template(NAME)
            .map_err(|e| ChatTemplateError::Render(describe(&e)))?;
        template
            .render(context)
            .map_err(|e| ChatTemplateError::Render(describe(&e)))
    }
}

/// A special token's text: a string, or an added-token object's `content`.
fn token_text(value: &Json) -> Option<&str> {
    match value {
        Json::String(token) => Some(token),
        Json::Object(token) => token.get("content").and_then(Json::as_str),
        _ => None,
    }
}

/// A minijinja error in one line: its kind's words, its detail and where it happened.
fn describe(error: &minijinja::Error) -> String {
    let mut message = match error.detail() {
        Some(detail) if error.kind() == minijinja::ErrorKind::InvalidOperation => {
            detail.to_string()
        }
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    if let Some(line) = error.line() {
        message += &format!(" (template line {line})");
    }
    message
}
