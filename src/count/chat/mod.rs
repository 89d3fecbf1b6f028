//! Chat records: a conversation (an OpenAI / Hugging Face messages array, as the raw JSON a
//! reader found) measured as one document. Each message's text contents are counted on their
//! own and added to its role; inline media parts (`data:` URLs, base64 `input_audio`) are
//! decoded for the media probes; remote ones are counted as unresolved, never fetched. With a
//! [`ChatTemplate`] the conversation is also rendered as the model sees it and that text is
//! counted: the document's tokens, of which the template's are the rendered total minus the
//! contents'. Values only: no files, no flags.

mod media_part;
mod python;
mod python_json;
mod strftime;
mod template;

pub use media_part::InlineMedium;
pub use template::{ChatTemplate, ChatTemplateError};

use super::{Counter, TokenizerError};
use crate::error::ErrorKind;
use crate::read::Problem;
use crate::stats::{ConversationFigures, RoleCount, role_index};
use minijinja::value::ValueKind;

/// One conversation measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasuredConversation {
    /// Messages and content tokens per role, template tokens, unresolved media.
    pub figures: ConversationFigures,
    /// UTF-8 bytes of the text contents.
    pub bytes: u64,
    /// The document's tokens: the rendered text's with a template, else the contents'.
    pub tokens: u64,
    /// The text contents joined by newlines (what the processing signals look at).
    pub text: String,
    /// Each text content, as counted.
    pub contents: Vec<String>,
    /// The conversation rendered with the chat template, when there is one.
    pub rendered: Option<String>,
    /// Inline media parts, decoded, for the media probes.
    pub media: Vec<InlineMedium>,
}

/// Measures the conversation whose messages array is `messages_json`, counting with
/// `counter`, and rendering it with `template` when there is one. The JSON is parsed once, into
/// the template's values (objects keep their keys' order), and both the measuring and the
/// rendering read that. A record that is not a valid messages array, a template that fails on
/// it, or a text the tokenizer refuses is the record's problem.
pub fn measure_conversation(
    counter: &dyn Counter,
    template: Option<&ChatTemplate>,
    messages_json: &str,
) -> Result<MeasuredConversation, Problem> {
    let messages = python::parse_json(messages_json)
        .map_err(|e| Problem::new(ErrorKind::Json, format!("messages: {e}")))?;
    if messages.kind() != ValueKind::Seq {
        return Err(field_type("the messages are not an array".into()));
    }
    let mut measured = MeasuredConversation::default();
    let mut texts = Vec::new();
    for (index, message) in messages.try_iter().into_iter().flatten().enumerate() {
        let number = index + 1;
        if message.kind() != ValueKind::Map {
            return Err(field_type(format!("message {number} is not an object")));
        }
        let role = match media_part::member(&message, "role") {
            Some(role) if role.kind() == ValueKind::String => role,
            Some(_) => {
                return Err(field_type(format!(
                    "message {number}: role is not a string"
                )));
            }
            None => {
                return Err(Problem::new(
                    ErrorKind::MissingField,
                    format!("message {number} has no role"),
                ));
            }
        };
        let mut count = RoleCount {
            messages: 1,
            tokens: 0,
        };
        let mut text = |t: &str| -> Result<(), Problem> {
            count.tokens += counter
                .count(t)
                .map_err(|e| Problem::new(ErrorKind::Tokenizer, e.0))?;
            texts.push(t.to_string());
            Ok(())
        };
        let content = media_part::member(&message, "content").unwrap_or_default();
        match content.kind() {
            ValueKind::None | ValueKind::Undefined => {}
            ValueKind::String => text(content.as_str().unwrap_or_default())?,
            ValueKind::Seq => {
                for (part_index, part) in content.try_iter().into_iter().flatten().enumerate() {
                    let at = format!("message {number}, part {}", part_index + 1);
                    match media_part::classify(&part)
                        .map_err(|m| field_type(format!("{at}: {m}")))?
                    {
                        media_part::Part::Text(t) => text(t.as_str().unwrap_or_default())?,
                        media_part::Part::Inline(medium) => measured.media.push(medium),
                        media_part::Part::Remote => measured.figures.unresolved_media += 1,
                        media_part::Part::Other => {}
                    }
                }
            }
            other => {
                return Err(field_type(format!(
                    "message {number}: content is {}, not a string, a list of parts or null",
                    kind_of(other)
                )));
            }
        }
        measured.figures.roles[role_index(role.as_str().unwrap_or_default())] += count;
    }
    let contents: u64 = measured.figures.roles.iter().map(|r| r.tokens).sum();
    measured.bytes = texts.iter().map(|t| t.len() as u64).sum();
    measured.text = texts.join("\n");
    measured.contents = texts;
    measured.tokens = contents;
    if let Some(template) = template {
        let rendered = template
            .render(messages)
            .map_err(|e| Problem::new(ErrorKind::Template, e.to_string()))?;
        let tokens = counter
            .count(&rendered)
            .map_err(|e| Problem::new(ErrorKind::Tokenizer, e.0))?;
        measured.tokens = tokens;
        measured.figures.template_tokens = Some(tokens as i64 - contents as i64);
        measured.rendered = Some(rendered);
    }
    Ok(measured)
}

impl MeasuredConversation {
    /// The document's tokens under another tokenizer's `counter`, as [`measure_conversation`]
    /// with that counter gives them: the rendered text's with a template, else the sum of the
    /// contents'.
    pub fn tokens_with(&self, counter: &dyn Counter) -> Result<u64, TokenizerError> {
        match &self.rendered {
            Some(rendered) => counter.count(rendered),
            None => self.contents.iter().map(|t| counter.count(t)).sum(),
        }
    }
}

/// A `field_type` problem saying `message`.
fn field_type(message: String) -> Problem {
    Problem::new(ErrorKind::FieldType, message)
}

/// What a JSON value of this kind is, in words.
fn kind_of(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::None | ValueKind::Undefined => "null",
        ValueKind::Bool => "a boolean",
        ValueKind::Number => "a number",
        ValueKind::String => "a string",
        ValueKind::Seq => "an array",
        ValueKind::Map => "an object",
        _ => "a value of another kind",
    }
}

#[cfg(test)]
mod tests;
