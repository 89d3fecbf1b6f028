//! Why a serialised statistic (a tally in a report, a shard part or a checkpoint) cannot stand
//! for statistics: an encoded field that does not decode, a part that is missing, or figures
//! that do not add up.

/// A serialised statistic that cannot be turned back into statistics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// An encoded field (a histogram, a sketch, a month key) that does not decode; the message
    /// names the field and what is wrong with it.
    #[error("{0}")]
    Undecodable(String),
    /// A required part of the form is missing (it is named).
    #[error("{0} is missing")]
    Missing(&'static str),
    /// Figures that contradict each other; the message says which.
    #[error("{0}")]
    Disagrees(String),
}
