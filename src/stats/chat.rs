//! Chat records (conversations): how many, their messages and tokens per role, the tokens a chat
//! template adds around the contents, the distribution of turns (messages) per conversation and
//! the remote media parts left unresolved; and their one serialised form, [`ChatTally`]. The
//! turns distribution travels as its HDR histogram, so that every tally holding chat figures
//! (source, category, totals, shard part, checkpoint) merges exactly.

use super::{DistributionSummary, FormError, TokenDistribution};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// The roles counted apart; any other role is counted under `other`.
pub const ROLES: [&str; 5] = ["system", "user", "assistant", "tool", "other"];

/// The index in [`ROLES`] of a message's `role` (`other` for any role not listed).
pub fn role_index(role: &str) -> usize {
    ROLES[..4]
        .iter()
        .position(|known| *known == role)
        .unwrap_or(4)
}

/// The messages of one role and their contents' tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCount {
    /// Messages.
    pub messages: u64,
    /// Tokens of their text contents, each text counted on its own.
    pub tokens: u64,
}

impl AddAssign<RoleCount> for RoleCount {
    fn add_assign(&mut self, other: RoleCount) {
        self.messages += other.messages;
        self.tokens += other.tokens;
    }
}

/// Everything counted about conversations; zero when a source holds none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatStats {
    /// Conversations counted (each is also one text document).
    pub conversations: u64,
    /// Messages and content tokens per role, in the order of [`ROLES`].
    pub roles: [RoleCount; 5],
    /// The tokens a chat template added: rendered conversations' tokens minus their contents'
    /// tokens (zero without a template; may be negative where a template trims contents).
    pub template_tokens: i64,
    /// Conversations rendered with a chat template.
    pub rendered: u64,
    /// The distribution of messages (turns) per conversation.
    pub turns: TokenDistribution,
    /// Remote media parts (an `image_url` that is not a `data:` URL): counted, never fetched.
    pub unresolved_media: u64,
}

/// One conversation's figures, as the counting core measured them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConversationFigures {
    /// Messages and content tokens per role, in the order of [`ROLES`].
    pub roles: [RoleCount; 5],
    /// Template tokens (rendered minus contents), when the conversation was rendered.
    pub template_tokens: Option<i64>,
    /// Remote media parts left unresolved.
    pub unresolved_media: u64,
}

impl ChatStats {
    /// Records one counted conversation.
    pub fn record(&mut self, figures: &ConversationFigures) {
        self.conversations += 1;
        let mut turns = 0;
        for (mine, theirs) in self.roles.iter_mut().zip(figures.roles) {
            *mine += theirs;
            turns += theirs.messages;
        }
        if let Some(tokens) = figures.template_tokens {
            self.template_tokens += tokens;
            self.rendered += 1;
        }
        self.unresolved_media += figures.unresolved_media;
        self.turns.record(turns);
    }

    /// Messages of every role.
    pub fn messages(&self) -> u64 {
        self.roles.iter().map(|r| r.messages).sum()
    }

    /// The serialised form, or `None` when no conversation was counted.
    pub fn to_form(&self) -> Option<ChatTally> {
        if self.conversations == 0 {
            return None;
        }
        Some(ChatTally {
            conversations: self.conversations,
            messages: self.messages(),
            by_role: ROLES
                .iter()
                .zip(self.roles)
                .map(|(role, count)| (role.to_string(), count))
                .collect(),
            rendered: self.rendered,
            template_tokens: self.template_tokens,
            unresolved_media: self.unresolved_media,
            turns_per_conversation: self.turns.summary(),
            turns_hdr: self.turns.to_base64(),
        })
    }
}

impl AddAssign<&ChatStats> for ChatStats {
    fn add_assign(&mut self, other: &ChatStats) {
        self.conversations += other.conversations;
        for (mine, theirs) in self.roles.iter_mut().zip(other.roles) {
            *mine += theirs;
        }
        self.template_tokens += other.template_tokens;
        self.rendered += other.rendered;
        self.turns += &other.turns;
        self.unresolved_media += other.unresolved_media;
    }
}

/// The serialised form of [`ChatStats`], a tally's `chat` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatTally {
    /// Conversations (each is also one of the tally's text documents).
    pub conversations: u64,
    /// Messages of every role.
    pub messages: u64,
    /// Messages and content tokens per role: `system`, `user`, `assistant`, `tool`, `other`.
    pub by_role: BTreeMap<String, RoleCount>,
    /// Conversations rendered with a chat template.
    pub rendered: u64,
    /// Tokens the chat template added around the contents (rendered minus contents).
    pub template_tokens: i64,
    /// Remote media parts counted but not fetched.
    pub unresolved_media: u64,
    /// Messages per conversation.
    pub turns_per_conversation: Option<DistributionSummary>,
    /// That distribution's HDR histogram (V2 deflate, base64), so that merges are exact.
    pub turns_hdr: Option<String>,
}

impl ChatTally {
    /// The statistics this form stands for.
    pub fn to_stats(&self) -> Result<ChatStats, FormError> {
        let mut roles = [RoleCount::default(); 5];
        for (role, count) in &self.by_role {
            match ROLES.iter().position(|known| known == role) {
                Some(index) => roles[index] = *count,
                None => {
                    return Err(FormError::Undecodable(format!(
                        "chat.by_role: unknown role {role:?}"
                    )));
                }
            }
        }
        let messages: u64 = roles.iter().map(|r| r.messages).sum();
        if messages != self.messages {
            return Err(FormError::Disagrees(format!(
                "chat: {} messages, but the roles hold {messages}",
                self.messages
            )));
        }
        let turns = match (&self.turns_hdr, &self.turns_per_conversation) {
            (Some(hdr), Some(summary)) => {
                TokenDistribution::from_base64(hdr, summary.min, summary.max, messages)?
            }
            _ => return Err(FormError::Missing("chat.turns_hdr")),
        };
        if turns.count() != self.conversations {
            return Err(FormError::Disagrees(format!(
                "chat: the turns histogram holds {} conversations, the count {}",
                turns.count(),
                self.conversations
            )));
        }
        Ok(ChatStats {
            conversations: self.conversations,
            roles,
            template_tokens: self.template_tokens,
            rendered: self.rendered,
            turns,
            unresolved_media: self.unresolved_media,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(per_role: &[(usize, u64, u64)], template: Option<i64>) -> ConversationFigures {
        let mut f = ConversationFigures {
            template_tokens: template,
            ..Default::default()
        };
        for &(role, messages, tokens) in per_role {
            f.roles[role] += RoleCount { messages, tokens };
        }
        f
    }

    #[test]
    fn roles_outside_the_four_are_other() {
        assert_eq!(role_index("system"), 0);
        assert_eq!(role_index("tool"), 3);
        assert_eq!(role_index("developer"), 4);
        assert_eq!(role_index("User"), 4);
    }

    #[test]
    fn forms_round_trip_and_merge_exactly() {
        let mut a = ChatStats::default();
        a.record(&figures(&[(0, 1, 5), (1, 2, 30), (2, 2, 40)], Some(12)));
        a.record(&figures(&[(1, 1, 3)], Some(-1)));
        let mut b = ChatStats::default();
        b.record(&figures(&[(4, 3, 9), (3, 1, 0)], None));
        let back = |s: &ChatStats| s.to_form().unwrap().to_stats().unwrap();
        assert_eq!(back(&a), a);
        let mut merged = back(&a);
        merged += &back(&b);
        let mut direct = a.clone();
        direct += &b;
        assert_eq!(merged, direct);
        let form = direct.to_form().unwrap();
        assert_eq!(
            (form.conversations, form.messages, form.rendered),
            (3, 10, 2)
        );
        assert_eq!(form.template_tokens, 11);
        assert_eq!(
            form.by_role["other"],
            RoleCount {
                messages: 3,
                tokens: 9
            }
        );
        let turns = form.turns_per_conversation.unwrap();
        assert_eq!((turns.min, turns.max), (1, 5));
        assert_eq!(ChatStats::default().to_form(), None);
    }

    #[test]
    fn forms_that_do_not_add_up_are_refused() {
        let mut a = ChatStats::default();
        a.record(&figures(&[(1, 2, 7)], None));
        let mut form = a.to_form().unwrap();
        form.messages = 3;
        assert!(matches!(form.to_stats(), Err(FormError::Disagrees(_))));
        let mut form = a.to_form().unwrap();
        form.by_role.insert("narrator".into(), RoleCount::default());
        assert!(form.to_stats().is_err());
        let mut form = a.to_form().unwrap();
        form.turns_hdr = None;
        assert!(matches!(form.to_stats(), Err(FormError::Missing(_))));
    }
}
